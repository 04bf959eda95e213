package io.ringchat.client.load;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/** The figures of one load run, as text for people and as one JSON object for scripts. */
record LoadReport(
    int clients,
    int senders,
    int size,
    double durationSeconds,
    long sent,
    long delivered,
    long expected,
    long lost,
    long outOfOrder,
    long selfDeliveries,
    long echoes,
    long dropped,
    long resumed,
    long gapsReported,
    long duplicated,
    long skipped,
    long connectMillis,
    double generatorCpuPercent,
    Histogram latencyMicros,
    Histogram sendLagMicros) {

  boolean clean() {
    return lost == 0
        && outOfOrder == 0
        && selfDeliveries == 0
        && dropped == 0
        && duplicated == 0
        && skipped == 0;
  }

  double sentPerSecond() {
    return sent / durationSeconds;
  }

  double deliveredPerSecond() {
    return delivered / durationSeconds;
  }

  private long percentile(double p) {
    return percentile(latencyMicros, p);
  }

  private static long percentile(Histogram histogram, double p) {
    return histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(p);
  }

  String text() {
    String lag =
        sendLagMicros.getTotalCount() == 0
            ? ""
            : String.format(
                Locale.ROOT,
                "send lag p99 %.2f ms, max %.2f ms (how late the generator sent, by its"
                    + " schedule)%n",
                millis(percentile(sendLagMicros, 99)),
                millis(sendLagMicros.getMaxValue()));
    return String.format(
        Locale.ROOT,
        "clients %d, senders %d, size %d B, %.1f s%n"
            + "sent %,d (%,.0f/s), delivered %,d (%,.0f/s), expected %,d%n"
            + "lost %d, out of order %d, to self %d, dropped connections %d%n"
            + "%s"
            + "latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n"
            + "%sconnect %d ms, generator CPU %.0f%% of one core while measuring%n",
        clients,
        senders,
        size,
        durationSeconds,
        sent,
        sentPerSecond(),
        delivered,
        deliveredPerSecond(),
        expected,
        lost,
        outOfOrder,
        selfDeliveries,
        dropped,
        resumed == 0 && gapsReported == 0 && duplicated == 0 && skipped == 0
            ? ""
            : String.format(
                Locale.ROOT,
                "resumed %d, gaps reported %d, duplicated %d, skipped without a gap %d%n",
                resumed,
                gapsReported,
                duplicated,
                skipped),
        millis(percentile(50)),
        millis(percentile(90)),
        millis(percentile(99)),
        millis(percentile(99.9)),
        millis(latencyMicros.getMaxValue()),
        lag,
        connectMillis,
        generatorCpuPercent);
  }

  private static double millis(long micros) {
    return micros / 1000.0;
  }

  String json() {
    return String.format(
        Locale.ROOT,
        "{\"clients\":%d,\"senders\":%d,\"size\":%d,\"duration_s\":%.3f,\"sent\":%d,"
            + "\"delivered\":%d,\"expected\":%d,\"lost\":%d,\"out_of_order\":%d,"
            + "\"self_deliveries\":%d,\"sent_per_sec\":%.1f,\"delivered_per_sec\":%.1f,"
            + "\"echoes\":%d,\"dropped\":%d,\"resumed\":%d,\"gaps_reported\":%d,"
            + "\"duplicated\":%d,\"skipped\":%d,\"generator_cpu_pct\":%.1f,\"connect_ms\":%d,\"latency_us\":{\"p50\":%d,\"p90\":%d,\"p99\":%d,\"p999\":%d,"
            + "\"max\":%d},\"send_lag_us\":{\"p99\":%d,\"max\":%d}}",
        clients,
        senders,
        size,
        durationSeconds,
        sent,
        delivered,
        expected,
        lost,
        outOfOrder,
        selfDeliveries,
        sentPerSecond(),
        deliveredPerSecond(),
        echoes,
        dropped,
        resumed,
        gapsReported,
        duplicated,
        skipped,
        generatorCpuPercent,
        connectMillis,
        percentile(50),
        percentile(90),
        percentile(99),
        percentile(99.9),
        latencyMicros.getMaxValue(),
        percentile(sendLagMicros, 99),
        sendLagMicros.getMaxValue());
  }
}
