package io.ringchat.broker.it;

import io.ringchat.broker.Broker;
import io.ringchat.broker.BrokerConfig;
import io.ringchat.broker.net.Transport;
import io.ringchat.broker.ring.RoomObserver;
import java.net.InetSocketAddress;
import java.time.Duration;

/** Starts a real broker on 127.0.0.1, on a free port, and stops it. */
final class RunningBroker implements AutoCloseable {
  final Broker broker;

  private RunningBroker(Broker broker) {
    this.broker = broker;
  }

  static RunningBroker start(BrokerConfig.Builder config) throws InterruptedException {
    return start(config, RoomObserver.NONE);
  }

  static RunningBroker start(BrokerConfig.Builder config, RoomObserver observer)
      throws InterruptedException {
    BrokerConfig built =
        config.bind("127.0.0.1").port(0).shutdownTimeout(Duration.ofSeconds(5)).build();
    return new RunningBroker(Broker.start(built, Transport.best(), observer));
  }

  static RunningBroker start() throws InterruptedException {
    return start(BrokerConfig.builder());
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
