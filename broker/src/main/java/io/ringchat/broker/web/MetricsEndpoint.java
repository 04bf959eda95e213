package io.ringchat.broker.web;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Produces {@code /metrics} in the Prometheus text format, with the Prometheus client's own writer,
 * on a thread of its own: reading the JVM's management beans may take locks, and no I/O thread
 * waits on one. The I/O thread that got the request hands it here and writes the answer when it
 * comes back.
 *
 * <p>{@link #scrape} from any thread; {@link #close} once, by the broker's owner.
 */
public final class MetricsEndpoint implements AutoCloseable {
  private final PrometheusRegistry registry;
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final ExecutorService scraper =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "ringchat-metrics");
            t.setDaemon(true);
            return t;
          });

  public MetricsEndpoint(PrometheusRegistry registry) {
    this.registry = registry;
  }

  public String contentType() {
    return writer.getContentType();
  }

  /**
   * Scrapes on the metrics thread and passes the text to {@code done} there; returns false if the
   * endpoint is closed (the broker is stopping).
   */
  boolean scrape(Consumer<byte[]> done) {
    try {
      scraper.execute(() -> done.accept(scrapeNow()));
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  /** The exposition text now, on the calling thread (tests, and the metrics thread). */
  public byte[] scrapeNow() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return out.toByteArray();
  }

  @Override
  public void close() {
    scraper.shutdownNow();
  }
}
