package io.ringchat.broker.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.ringchat.broker.stats.BrokerCounters;
import java.util.concurrent.ScheduledExecutorService;
import org.agrona.concurrent.NanoClock;

/**
 * What the connections of one I/O event loop share, whichever listener accepted them: the table of
 * their ids, their join deadlines, the ring publisher that holds their events back when the ring is
 * full, and (through {@link Connections}) the broker-wide limits. One reference from each
 * connection's handler instead of several fields keeps each idle connection a few bytes smaller.
 *
 * <p>Built by {@link Connections}; its parts are used on its event loop only.
 */
final class IoLoop {
  private final Connections connections;
  private final ConnectionTable table;
  private final JoinDeadlines joinDeadlines;
  private final RingPublisher publisher;

  IoLoop(Connections connections, int index, EventLoop loop) {
    this.connections = connections;
    this.table = new ConnectionTable(index, loop);
    this.joinDeadlines =
        new JoinDeadlines(loop, connections.limits().joinTimeoutNanos(), connections.clock());
    this.publisher = new RingPublisher(loop, connections.ring(), connections.counters());
  }

  ConnectionTable table() {
    return table;
  }

  JoinDeadlines joinDeadlines() {
    return joinDeadlines;
  }

  RingPublisher publisher() {
    return publisher;
  }

  ConnectionLimits limits() {
    return connections.limits();
  }

  /** {@link Connections#admit}. */
  AddressBudget admit(Channel channel, ChannelHandler addressFull, ChannelHandler serverFull) {
    return connections.admit(channel, addressFull, serverFull);
  }

  /** {@link Connections#release}. */
  void release(AddressBudget address, ScheduledExecutorService timers) {
    connections.release(address, timers);
  }

  BrokerCounters counters() {
    return connections.counters();
  }

  NanoClock clock() {
    return connections.clock();
  }
}
