package io.ringchat.broker.it;

import io.ringchat.broker.Broker;
import io.ringchat.broker.BrokerConfig;
import io.ringchat.broker.ring.RoomObserver;
import io.ringchat.cli.Transport;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** Starts a real broker on 127.0.0.1, on a free port, and stops it. */
final class RunningBroker implements AutoCloseable {
  final Broker broker;

  private RunningBroker(Broker broker) {
    this.broker = broker;
  }

  /** A broker with these command-line flags (on a free port, and 127.0.0.1 unless told). */
  static RunningBroker start(String... flags) throws InterruptedException {
    return start(RoomObserver.NONE, flags);
  }

  /** As above, with a hook into the room thread. */
  static RunningBroker start(RoomObserver observer, String... flags) throws InterruptedException {
    List<String> args = new ArrayList<>(List.of(flags));
    args.add("--port=0");
    if (args.stream().noneMatch(f -> f.startsWith("--http-port") || f.equals("--no-http"))) {
      args.add("--http-port=0"); // never the fixed default: tests run beside each other
    }
    if (args.stream().noneMatch(flag -> flag.startsWith("--bind"))) {
      args.add("--bind=127.0.0.1");
    }
    return new RunningBroker(
        Broker.start(BrokerConfig.parse(args.toArray(new String[0])), Transport.best(), observer));
  }

  InetSocketAddress address() {
    return broker.address();
  }

  /** The HTTP listener's address. */
  InetSocketAddress httpAddress() {
    return broker.httpAddress();
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
