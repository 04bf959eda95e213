/**
 * One room across several brokers, on Aeron Cluster: the room replicated as a clustered service,
 * and each broker's link to it (docs/CLUSTER.md says what it promises). Split as Aeron splits its
 * own cluster client and service: each class has one direction or one job, and every timeout, size
 * and clock comes from one {@link io.ringchat.broker.cluster.ClusterContext}.
 *
 * <p><em>A broker's link</em>, on the ring's consumer thread only (Aeron's cluster client is
 * single-threaded): {@link io.ringchat.broker.cluster.ClusterLink} is the ring's one consumer in
 * place of the room, and calls in turn the {@link io.ringchat.broker.cluster.IngressSequencer}
 * (each ring batch one numbered ingress message, kept until acknowledged, resent to a new leader;
 * the hold), the {@link io.ringchat.broker.cluster.EgressReader} (egress applied once and in order
 * to the broker's connections through the single broker's write batches; resync and skip), the
 * {@link io.ringchat.broker.cluster.LinkSession} (the session, replaced by the {@link
 * io.ringchat.broker.cluster.SessionConnector} when lost; {@link
 * io.ringchat.broker.cluster.StaleLeaderFilter} in front of its egress), the {@link
 * io.ringchat.broker.cluster.SnapshotReporter} and {@link io.ringchat.broker.cluster.LinkHealth}.
 * {@link io.ringchat.broker.cluster.ClusterWaitStrategy} times the ring's idle waits out into
 * egress polls, and is woken when egress arrives.
 *
 * <p><em>The room</em>, on every member, on Aeron's clustered-service agent, its one thread: {@link
 * io.ringchat.broker.cluster.RoomService} routes what Aeron calls in with; {@link
 * io.ringchat.broker.cluster.RoomIngress} applies each broker's events once, to the single broker's
 * {@code Room}, under room-wide ids ({@link io.ringchat.broker.cluster.ConnectionIds}); {@link
 * io.ringchat.broker.cluster.ClusterOutbound} gathers the room's output per broker ({@link
 * io.ringchat.broker.cluster.GatheredOutput}), {@link io.ringchat.broker.cluster.OutputEncoder}
 * encodes it, {@link io.ringchat.broker.cluster.KeptEgress} keeps it for resends and {@link
 * io.ringchat.broker.cluster.EgressDelivery} offers it without waiting, retried by the {@link
 * io.ringchat.broker.cluster.EgressRetryTimer}; {@link io.ringchat.broker.cluster.RoomSnapshot} and
 * {@link io.ringchat.broker.cluster.SnapshotAgreement}. The log is the service's only input, so
 * every member computes the same room.
 *
 * <p><em>The wire</em>: the messages between the two are written and read only through the
 * flyweights ({@link io.ringchat.broker.cluster.MessageHeader}, {@link
 * io.ringchat.broker.cluster.EventsFlyweight}, {@link io.ringchat.broker.cluster.OutputFlyweight},
 * {@link io.ringchat.broker.cluster.ControlFlyweights}, {@link
 * io.ringchat.broker.cluster.SnapshotRecords}); {@link io.ringchat.broker.cluster.ClusterWire}
 * gives the layouts and the version every message carries.
 *
 * <p><em>The member</em>: {@link io.ringchat.broker.cluster.ClusterNode} starts Aeron's parts on
 * the thread that starts the broker, then its {@link io.ringchat.broker.cluster.ClusterWatcher}, an
 * Agrona agent on a thread of its own that reports roles, asks for snapshots and purges the log
 * ({@link io.ringchat.broker.cluster.LogPurger}). What the watcher shares with the other two
 * threads is a handful of values that only grow ({@link io.ringchat.broker.cluster.LogRetention})
 * and the status operators read ({@code broker.stats.ClusterStatus}), so nothing here takes a lock.
 * The consensus module, the room and the watcher are one {@link
 * io.ringchat.broker.cluster.MemberRun}: a member that cannot replay its own log ({@link
 * io.ringchat.broker.cluster.StuckReplayDetector}, on the consensus module's thread) is restarted
 * in place by a thread of the node's own, which ends that run and starts another beside the same
 * driver and archive; the node's lock guards only which run is current, and is never held while a
 * run starts or stops (the consensus module takes it once, to ask for the restart). What makes that
 * fault, a leader counting a returning member's claim to a log the room never agreed to, the media
 * driver keeps out: it lowers such a claim to the commit position before the consensus module reads
 * it ({@link io.ringchat.broker.cluster.CanvassPositionGuard}, on the driver's thread, reading the
 * consensus module's counters).
 *
 * <p><em>Idle</em>: the member's threads and the link sleep until one of them has work for another
 * ({@link io.ringchat.broker.cluster.WakeGroup}); the media driver sleeps on its sockets ({@link
 * io.ringchat.broker.cluster.DriverIdleStrategy}, {@link
 * io.ringchat.broker.cluster.WakingEndpoints}) and wakes the readers of what arrived; the others
 * use {@link io.ringchat.broker.cluster.AgentIdleStrategy}, the consensus module with short sleeps
 * while it elects ({@link io.ringchat.broker.cluster.ElectionWatch}).
 */
package io.ringchat.broker.cluster;
