package io.ringchat.bench.faults;

import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * One of the run's clients on one broker, kept connected for the whole run: whenever its connection
 * ends (its broker died, or closed it), it connects again, to the same broker once that serves
 * again, under a new name ({@code s0-1}, {@code s0-2}...), so that each connection is a window of
 * its own for the checker. A sender's connection sends when the ticker says so.
 *
 * <p>Its own thread connects and reads; {@link #tick} runs on the ticker's thread.
 */
final class ClientSlot implements Runnable {
  private static final long RETRY_MILLIS = 200;

  private final String prefix;
  private final int broker;
  private final boolean sender;
  private final Members members;
  private final Names names;
  private final Consumer<ChatClient> recorded;
  private volatile ChatClient current;
  private volatile boolean running = true;

  /**
   * @param prefix the names' start, e.g. {@code s0}
   * @param recorded told of each new connection, for the checker
   */
  ClientSlot(
      String prefix,
      int broker,
      boolean sender,
      Members members,
      Names names,
      Consumer<ChatClient> recorded) {
    this.prefix = prefix;
    this.broker = broker;
    this.sender = sender;
    this.members = members;
    this.names = names;
    this.recorded = recorded;
  }

  @Override
  public void run() {
    int incarnation = 0;
    while (running) {
      InetSocketAddress address = members.chatAddress(broker);
      if (address == null) {
        pause();
        continue;
      }
      ChatClient client = new ChatClient(prefix + "-" + ++incarnation, broker, names);
      synchronized (this) {
        if (!running) {
          return;
        }
        current = client;
      }
      recorded.accept(client);
      client.joinAndRead(address);
      if (running) {
        pause();
      }
    }
  }

  private void pause() {
    try {
      Thread.sleep(RETRY_MILLIS);
    } catch (InterruptedException e) {
      running = false;
    }
  }

  /** The ticker's beat: a sender sends its connection's next message, if it is joined. */
  void tick() {
    ChatClient client = current;
    if (sender && client != null) {
      client.send();
    }
  }

  /** Whether its current connection is joined and open. */
  boolean connected() {
    ChatClient client = current;
    return client != null && client.canSend();
  }

  /** The end of the run: the current connection ends as the run's, not as a drop. */
  void end() {
    synchronized (this) {
      running = false;
    }
    ChatClient client = current;
    if (client != null) {
      client.end();
    }
  }
}
