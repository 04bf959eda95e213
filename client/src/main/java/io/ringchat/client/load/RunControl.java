package io.ringchat.client.load;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The shared state of one load run, written by the main thread and read by the event loops: which
 * phase the run is in, and from which sequence number each sender's messages count.
 */
final class RunControl {
  static final int WARMUP = 0;
  static final int MEASURE = 1;
  static final int STOPPED = 2;

  /**
   * A fixed-rate run's first phase: the senders send as fast as their windows allow, so that the
   * generator's own code is compiled before it measures anyone (at 1,000 msg/s a few seconds of
   * warm-up leave it half-compiled, and its compiler threads then take the CPU its loops need).
   */
  static final int PRIME = 3;

  volatile int phase = WARMUP;

  /** Set by the first connection refused by the broker's per-address cap: its hint is said once. */
  final AtomicBoolean perAddressHintGiven = new AtomicBoolean();

  /** Per sender: the first sequence number sent while measuring; MAX_VALUE before that. */
  final AtomicIntegerArray firstMeasured;

  /**
   * Per sender: how many of its messages its observer (the next member after it) has received. The
   * sender's window counts from here, so the window bounds messages in flight to members, not
   * merely into the broker.
   */
  final AtomicIntegerArray observed;

  /** Per sender: its connection, so that an observer on the same loop can wake it at once. */
  final LoadConnection[] senderConnections;

  final int clients;
  final int senders;
  final int size;
  final double ratePerSender;
  final int window;
  final Target target;

  /** Members join positioned (protocol 1.1) and can resume ({@code --resume}). */
  final boolean resume;

  /**
   * Set once the run is over and the generator closes its own connections: a connection that ends
   * before that (the drain included) was closed by the broker or the network, and counts.
   */
  volatile boolean closing;

  /** When a fixed-rate run's schedule starts: set before the rate tickers start, then fixed. */
  volatile long rateStartNanos;

  RunControl(
      int clients,
      int senders,
      int size,
      double ratePerSender,
      int window,
      Target target,
      boolean resume) {
    this.resume = resume;
    this.clients = clients;
    this.senders = senders;
    this.size = size;
    this.ratePerSender = ratePerSender;
    this.window = window;
    this.target = target;
    this.firstMeasured = new AtomicIntegerArray(Math.max(1, senders));
    this.observed = new AtomicIntegerArray(Math.max(1, senders));
    this.senderConnections = new LoadConnection[Math.max(1, senders)];
    for (int i = 0; i < senders; i++) {
      firstMeasured.set(i, Integer.MAX_VALUE);
    }
  }

  /** The member whose receipts acknowledge {@code sender}'s messages. */
  int observerOf(int sender) {
    return (sender + 1) % clients;
  }

  boolean fixedRate() {
    return ratePerSender > 0;
  }

  /** Whether senders keep their windows full now: a max-rate run, or a fixed-rate run's priming. */
  boolean windowed() {
    return !fixedRate() || phase == PRIME;
  }
}
