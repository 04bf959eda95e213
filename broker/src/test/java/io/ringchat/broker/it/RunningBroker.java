package io.ringchat.broker.it;

import io.ringchat.broker.Broker;
import io.ringchat.broker.BrokerConfig;
import io.ringchat.broker.ring.RoomObserver;
import io.ringchat.cli.Transport;
import java.net.InetSocketAddress;

/** Starts a real broker on 127.0.0.1, on a free port, and stops it. */
final class RunningBroker implements AutoCloseable {
  final Broker broker;

  private RunningBroker(Broker broker) {
    this.broker = broker;
  }

  /** A broker with these command-line flags (on 127.0.0.1 and a free port). */
  static RunningBroker start(String... flags) throws InterruptedException {
    return start(RoomObserver.NONE, flags);
  }

  /** As above, with a hook into the room thread. */
  static RunningBroker start(RoomObserver observer, String... flags) throws InterruptedException {
    String[] args = new String[flags.length + 2];
    args[0] = "--bind=127.0.0.1";
    args[1] = "--port=0";
    System.arraycopy(flags, 0, args, 2, flags.length);
    return new RunningBroker(Broker.start(BrokerConfig.parse(args), Transport.best(), observer));
  }

  InetSocketAddress address() {
    return broker.address();
  }

  @Override
  public void close() {
    try {
      broker.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
