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

  /**
   * @param cluster what a broker of a cluster shows (its {@code ringchat_cluster_*} metrics), or
   *     null for a single broker
   */
  public BrokerMetrics(BrokerCounters counters, ClusterStatus cluster) {
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
    GaugeWithCallback.builder()
        .name("ringchat_history_messages")
        .help("Messages the room keeps for replays (--history).")
        .callback(cb -> cb.call((double) counters.historyMessages()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("ringchat_history_bytes")
        .help("Bytes of the POST lines the room keeps for replays (--history-bytes).")
        .callback(cb -> cb.call((double) counters.historyBytes()))
        .register(registry);
    counter(
        "ringchat_replays",
        "Positioned joins (HISTORY or SINCE) sent one or more kept messages.",
        counters::replays);
    counter("ringchat_replayed_lines", "Kept messages sent in replays.", counters::replayedLines);
    counter(
        "ringchat_gaps",
        "GAP lines sent: missed messages no longer kept, or an unknown epoch.",
        counters::gaps);
    counter(
        "ringchat_ring_full_pauses",
        "Times a connection stopped being read because the ring was full.",
        counters::ringFullPauses);
    counter(
        "ringchat_rate_limit_pauses",
        "Times a connection stopped being read for going over a flood-control rate.",
        counters::rateLimitPauses);
    CounterWithCallback.builder()
        .name("ringchat_throttled_lines")
        .help(
            "Lines that found a flood-control rate over and waited, counted at each pause, by"
                + " rate: --max-rate, --max-address-rate, --max-joins-per-address.")
        .labelNames("limit")
        .callback(
            cb -> {
              for (BrokerCounters.Throttle throttle : BrokerCounters.Throttle.values()) {
                cb.call((double) counters.throttledLines(throttle), throttle.label());
              }
            })
        .register(registry);
    counter(
        "ringchat_address_cap_refusals",
        "Connections refused for their address being at --max-clients-per-address.",
        counters::addressCapRefusals);
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
    if (cluster != null) {
      clusterMetrics(cluster);
    }
    JvmMetrics.builder().register(registry);
  }

  private void clusterMetrics(ClusterStatus cluster) {
    GaugeWithCallback.builder()
        .name("ringchat_cluster_role")
        .help("This broker's cluster role: 1 for the role it has now, 0 for the others.")
        .labelNames("role")
        .callback(
            cb -> {
              ClusterStatus.Role now = cluster.role();
              for (ClusterStatus.Role role : ClusterStatus.Role.values()) {
                cb.call(role == now ? 1 : 0, role.label());
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("ringchat_cluster_term")
        .help("The leadership term this member is in (a front-end: the last one it was told of).")
        .callback(cb -> cb.call((double) cluster.term()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("ringchat_cluster_up")
        .help("1 while this broker has a cluster session and a leader, else 0 (/healthz says why).")
        .callback(cb -> cb.call(cluster.unhealthy() == null ? 1 : 0))
        .register(registry);
    GaugeWithCallback.builder()
        .name("ringchat_cluster_catching_up")
        .help(
            "1 while this broker's member catches up with the leader's log (the broker serves; the"
                + " member does not yet hold the log), else 0.")
        .callback(cb -> cb.call(cluster.catchingUp() ? 1 : 0))
        .register(registry);
    counter(
        "ringchat_cluster_leader_changes",
        "New leaders announced to this broker's cluster session.",
        cluster::leaderChanges);
    counter(
        "ringchat_cluster_resyncs",
        "Times this broker asked the room again for egress it may have missed.",
        cluster::resyncs);
    counter(
        "ringchat_cluster_ingress_resends",
        "Times this broker offered its ingress again from a message acknowledged too late.",
        cluster::ingressResends);
    counter(
        "ringchat_cluster_skips",
        "Times the room no longer kept egress this broker missed (its members were closed).",
        cluster::skips);
    counter(
        "ringchat_cluster_refusals",
        "SENDs refused with ERR unavailable: no leader within --cluster-hold.",
        cluster::refusals);
    counter(
        "ringchat_cluster_sessions_lost",
        "Times the cluster closed this broker's session (its members were closed).",
        cluster::sessionsLost);
    counter(
        "ringchat_cluster_sessions_timed_out",
        "Brokers' sessions this member's room closed because the cluster timed them out (as applied"
            + " from the log: every member counts the same).",
        cluster::sessionsTimedOut);
    counter(
        "ringchat_cluster_member_restarts",
        "Times this broker restarted its member's consensus module and room in place because the"
            + " member could not replay its own log (an Aeron election fault, docs/CLUSTER.md).",
        cluster::memberRestarts);
    counter(
        "ringchat_cluster_canvass_positions_lowered",
        "Canvass positions this member, leading, lowered to its commit position before counting"
            + " them: a member back from a partition claimed more of the log than the room had"
            + " committed (an Aeron election fault, docs/CLUSTER.md).",
        cluster::canvassPositionsLowered);
    GaugeWithCallback.builder()
        .name("ringchat_cluster_egress_kept_bytes")
        .help("Egress this member's room keeps for each broker, to send again after a loss.")
        .labelNames("session")
        .callback(
            cb ->
                cluster.forEachEgress(
                    (session, egress) -> cb.call((double) egress.keptBytes(), "" + session)))
        .register(registry);
    GaugeWithCallback.builder()
        .name("ringchat_cluster_egress_unsent_messages")
        .help(
            "Egress messages this member (as leader) made for each broker and could not offer yet.")
        .labelNames("session")
        .callback(
            cb ->
                cluster.forEachEgress(
                    (session, egress) -> cb.call((double) egress.unsent(), "" + session)))
        .register(registry);
    GaugeWithCallback.builder()
        .name("ringchat_cluster_snapshot_reported_position")
        .help("Each member's newest snapshot (a log position) that this member's room has applied.")
        .labelNames("member")
        .callback(
            cb ->
                cluster.forEachSnapshotReported(
                    (member, position) -> cb.call((double) position, "" + member)))
        .register(registry);
    GaugeWithCallback.builder()
        .name("ringchat_cluster_log_purge_below_position")
        .help("The log position below which every member can do without the log (-1: none yet).")
        .callback(cb -> cb.call((double) cluster.purgeBelow()))
        .register(registry);
    registry.register(cluster.roundTrips().histogram());
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
