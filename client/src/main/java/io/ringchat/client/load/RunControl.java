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
   * How many members observe each sender: the next {@link #observers} members after it, one on each
   * of the generator's threads (members are dealt to the threads in turn), or every other member if
   * there are fewer.
   */
  final int observers;

  /**
   * Per sender and observer ({@code sender * observers + k - 1} for its k-th observer): how many of
   * the sender's messages that observer has received. The sender's window counts from the least of
   * them, so the window bounds messages in flight to members, not merely into the broker, and to
   * the members of every generator thread: with one observer, the senders it watched from a faster
   * thread sent more than a slower thread's members could read, their backlog in the broker grew
   * until the broker removed them as slow consumers, and a max-rate run measured the generator's
   * imbalance instead of the broker.
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
      boolean resume,
      int threads) {
    this.resume = resume;
    this.observers = Math.max(1, Math.min(threads, clients - 1));
    this.clients = clients;
    this.senders = senders;
    this.size = size;
    this.ratePerSender = ratePerSender;
    this.window = window;
    this.target = target;
    this.firstMeasured = new AtomicIntegerArray(Math.max(1, senders));
    this.observed = new AtomicIntegerArray(Math.max(1, senders) * observers);
    this.senderConnections = new LoadConnection[Math.max(1, senders)];
    for (int i = 0; i < senders; i++) {
      firstMeasured.set(i, Integer.MAX_VALUE);
    }
  }

  /**
   * Which of {@code sender}'s observers {@code member} is: 1 for the member after it, up to {@link
   * #observers}; 0 if it is none.
   */
  int observerRank(int sender, int member) {
    int k = member - sender;
    if (k <= 0) {
      k += clients;
    }
    return k <= observers ? k : 0;
  }

  /**
   * Records that {@code sender}'s observer of rank {@code k} has received {@code count} messages.
   */
  void observe(int sender, int k, int count) {
    observed.lazySet(sender * observers + k - 1, count);
  }

  /** How many of {@code sender}'s messages every one of its observers has received. */
  int observedByAll(int sender) {
    int base = sender * observers;
    int least = observed.get(base);
    for (int k = 1; k < observers; k++) {
      least = Math.min(least, observed.get(base + k));
    }
    return least;
  }

  boolean fixedRate() {
    return ratePerSender > 0;
  }

  /** Whether senders keep their windows full now: a max-rate run, or a fixed-rate run's priming. */
  boolean windowed() {
    return !fixedRate() || phase == PRIME;
  }
}
