package io.ringchat.broker.stats;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ringchat.protocol.ErrorCode;
import java.util.function.LongSupplier;

/**
 * The broker's counters as Prometheus metrics, read at scrape time: every metric here is a callback
 * over {@link BrokerCounters}, so the hot path counts exactly as before and pays nothing for being
 * watched. Names are {@code ringchat_*}; the JVM's memory, GC and thread metrics come from the
 * Prometheus client's own JVM instrumentation.
 *
 * <p>Counts are exact as doubles up to 2^53, far beyond any counter here.
 *
 * <p>Built once; scraped from any one thread at a time.
 */
public final class BrokerMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();

  public BrokerMetrics(BrokerCounters counters) {
    GaugeWithCallback.builder()
        .name("ringchat_connections")
        .help("Chat connections open now, by listener (tcp: the chat port; websocket: /ws).")
        .labelNames("listener")
        .callback(
            cb -> {
              for (BrokerCounters.Listener listener : BrokerCounters.Listener.values()) {
                cb.call((double) counters.connectionsOpen(listener), listener.label());
              }
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("ringchat_connections_opened")
        .help("Chat connections opened since start, by listener.")
        .labelNames("listener")
        .callback(
            cb -> {
              for (BrokerCounters.Listener listener : BrokerCounters.Listener.values()) {
                cb.call((double) counters.connectionsTotal(listener), listener.label());
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("ringchat_members")
        .help("Members in the room (joined connections).")
        .callback(cb -> cb.call((double) counters.members()))
        .register(registry);
    counter("ringchat_frames_in", "Client lines read, every listener.", counters::framesIn);
    counter(
        "ringchat_deliveries",
        "Lines the room queued for its members (a MSG to 99 others counts 99).",
        counters::deliveries);
    CounterWithCallback.builder()
        .name("ringchat_errors")
        .help("ERR lines sent, by code.")
        .labelNames("code")
        .callback(
            cb -> {
              for (ErrorCode code : ErrorCode.values()) {
                cb.call((double) counters.errors(code), code.wireName());
              }
            })
        .register(registry);
    counter(
        "ringchat_slow_consumer_removals",
        "Members removed for not reading (over --max-pending).",
        counters::slowConsumers);
    counter(
        "ringchat_ring_full_pauses",
        "Times a connection stopped being read because the ring was full.",
        counters::ringFullPauses);
    counter(
        "ringchat_rate_limit_pauses",
        "Times a connection stopped being read for going over --max-rate.",
        counters::rateLimitPauses);
    counter(
        "ringchat_join_timeouts",
        "Connections closed for not joining within --join-timeout.",
        counters::joinTimeouts);
    counter(
        "ringchat_dead_peers",
        "Connections whose peer stopped answering (keepalive or unacknowledged data).",
        counters::deadPeers);
    counter(
        "ringchat_http_requests_refused",
        "HTTP requests sent to the chat port (answered with one line and closed).",
        counters::httpRequestsRefused);
    counter(
        "ringchat_accept_errors", "Failed accepts (e.g. out of files).", counters::acceptErrors);
    counter(
        "ringchat_room_exceptions",
        "Requests the room failed on (each logged; the room carried on).",
        counters::roomExceptions);
    JvmMetrics.builder().register(registry);
  }

  private void counter(String name, String help, LongSupplier value) {
    CounterWithCallback.builder()
        .name(name)
        .help(help)
        .callback(cb -> cb.call((double) value.getAsLong()))
        .register(registry);
  }

  public PrometheusRegistry registry() {
    return registry;
  }
}
