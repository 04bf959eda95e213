/**
 * One room across several brokers, on Aeron Cluster: the room replicated as a clustered service,
 * and each broker's link to it (docs/CLUSTER.md says what it promises).
 *
 * <p>Threads, both ways. <em>In:</em> a broker's connections still publish into its ring, and the
 * ring's one consumer is {@link io.ringchat.broker.cluster.ClusterLink} instead of the room: it,
 * {@link io.ringchat.broker.cluster.StaleLeaderFilter} and {@link
 * io.ringchat.broker.cluster.ClusterWaitStrategy} run on that thread only (Aeron's cluster client
 * is single-threaded), and turn each ring batch into one ingress message. On every member, Aeron's
 * clustered-service agent is the one thread of {@link io.ringchat.broker.cluster.RoomService} and
 * everything it owns ({@link io.ringchat.broker.cluster.BrokerSession}, {@link
 * io.ringchat.broker.cluster.ClusterOutbound}, the kept egress, the retry timer, snapshots, the
 * snapshot agreement): the log is its only input, so every member computes the same room.
 * <em>Out:</em> the service's output crosses to the brokers only as cluster egress, which each
 * broker's link polls on its own ring thread and writes to its connections through the single
 * broker's write batches. {@link io.ringchat.broker.cluster.ClusterNode}'s watcher thread reports
 * roles, asks for snapshots and purges the log; what it shares with the other two threads is a
 * handful of values that only grow ({@link io.ringchat.broker.cluster.LogRetention}) and the status
 * operators read ({@code broker.stats.ClusterStatus}), so nothing here takes a lock.
 */
package io.ringchat.broker.cluster;
