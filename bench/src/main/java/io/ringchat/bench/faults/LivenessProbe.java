package io.ringchat.bench.faults;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Liveness after a fault healed: within 30 s of the heal, every serving broker seats a {@code JOIN}
 * and delivers a {@code SEND} to the others. A fresh connection joins on each broker; once all are
 * in, each sends one message, and each must read every other's; then each leaves. Refusing
 * everything is not a pass. The probes' connections are recorded like the others', so their
 * messages are checked too.
 *
 * <p>The run's thread; each probe connection reads on a thread of its own.
 */
final class LivenessProbe {
  static final long DEADLINE_MILLIS = 30_000;

  /** A probe slower than this has the members' threads dumped into the run's directory. */
  static final long SLOW_MILLIS = 5_000;

  private final Members members;
  private final Names names;
  private final Consumer<ChatClient> recorded;

  LivenessProbe(Members members, Names names, Consumer<ChatClient> recorded) {
    this.members = members;
    this.names = names;
    this.recorded = recorded;
  }

  /**
   * Probes every serving broker, by 30 s after {@code healedNanos}. Returns what failed, one line
   * each (none: live). A probe that is closed before its WELCOME (a broker that finds it lost its
   * session closes its joining connections too, saying "connect again") connects again, as any
   * client would.
   */
  List<String> probe(int round, long healedNanos, String after) throws InterruptedException {
    long deadline = healedNanos + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
    // A broker that finds it lost its session closes its members too, seated ones included, saying
    // "connect again"; a SEND it had not passed on goes with them (the protocol allows it: the
    // client was told). Such a probe's round is tried again on new connections, as any client
    // would, while the deadline lasts; the failures reported are the last round's.
    for (int attempt = 1; ; attempt++) {
      List<ChatClient> ended = new ArrayList<>();
      List<String> failures = probeOnce(round, attempt, healedNanos, deadline, after, ended);
      if (failures.isEmpty() || ended.isEmpty() || System.nanoTime() - deadline >= 0) {
        return failures;
      }
      Thread.sleep(200);
    }
  }

  /**
   * One round of probes (try {@code attempt}): the failures, and in {@code ended} the probes that
   * their broker closed before every probe heard every other.
   */
  private List<String> probeOnce(
      int round, int attempt, long healedNanos, long deadline, String after, List<ChatClient> ended)
      throws InterruptedException {
    List<ChatClient> probes = new ArrayList<>();
    List<Thread> readers = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    try {
      for (int i = 0; i < members.size(); i++) {
        if (!members.serving(i)) {
          continue;
        }
        ChatClient probe = seated(round, attempt, i, healedNanos, deadline, readers);
        if (probe == null) {
          failures.add("broker " + i + " did not seat a JOIN within 30 s of " + after);
        } else {
          probes.add(probe);
        }
      }
      if (!failures.isEmpty()) {
        return failures;
      }
      probes.forEach(ChatClient::send);
      while (System.nanoTime() - deadline < 0 && !allHeardAll(probes) && !anyEnded(probes)) {
        dumpIfSlow(round, healedNanos);
        Thread.sleep(20);
      }
      if (!allHeardAll(probes)) {
        probes.stream().filter(probe -> probe.record.hasEnded()).forEach(ended::add);
      }
      for (ChatClient from : probes) {
        for (ChatClient to : probes) {
          if (from != to && !heard(to, from)) {
            failures.add(
                "a SEND on broker "
                    + from.broker
                    + " did not reach broker "
                    + to.broker
                    + " within 30 s of "
                    + after
                    + " ("
                    + state(from)
                    + ")");
          }
        }
      }
      return failures;
    } finally {
      probes.forEach(ChatClient::leave);
      for (Thread reader : readers) {
        reader.join(5_000);
      }
      probes.forEach(ChatClient::end);
    }
  }

  /** A probe joined on {@code broker}, connecting again while refused, or null by the deadline. */
  private ChatClient seated(
      int round,
      int roundAttempt,
      int broker,
      long healedNanos,
      long deadline,
      List<Thread> readers)
      throws InterruptedException {
    String prefix = "p" + round + (roundAttempt == 1 ? "" : "r" + roundAttempt) + "-" + broker;
    for (int attempt = 1; System.nanoTime() - deadline < 0; attempt++) {
      InetSocketAddress address = members.chatAddress(broker);
      if (address == null) {
        return null;
      }
      ChatClient probe =
          new ChatClient(prefix + (attempt == 1 ? "" : "x" + attempt), broker, names);
      recorded.accept(probe);
      Thread reader = new Thread(() -> probe.joinAndRead(address), "probe-" + round + "-" + broker);
      reader.setDaemon(true);
      reader.start();
      readers.add(reader);
      while (System.nanoTime() - deadline < 0 && !probe.canSend() && !probe.record.hasEnded()) {
        dumpIfSlow(round, healedNanos);
        Thread.sleep(20);
      }
      if (probe.canSend()) {
        return probe;
      }
      probe.end();
      Thread.sleep(200);
    }
    return null;
  }

  private int dumped = -1;

  /**
   * Once per round, when a probe has been waiting for long: each member's threads, for a report.
   */
  private void dumpIfSlow(int round, long healedNanos) throws InterruptedException {
    if (dumped == round
        || System.nanoTime() - healedNanos < TimeUnit.MILLISECONDS.toNanos(SLOW_MILLIS)) {
      return;
    }
    dumped = round;
    for (int i = 0; i < members.size(); i++) {
      members.dumpThreads(
          i, members.dir().resolve("slow-probe-" + round + "-member-" + i + ".txt"));
      // Aeron's counters too: whether a broker's ingress publication is connected and moving.
      members.dumpCounters(
          i, members.dir().resolve("slow-probe-" + round + "-member-" + i + "-counters.txt"));
    }
  }

  private static boolean anyEnded(List<ChatClient> probes) {
    return probes.stream().anyMatch(probe -> probe.record.hasEnded());
  }

  private static boolean allHeardAll(List<ChatClient> probes) {
    for (ChatClient from : probes) {
      for (ChatClient to : probes) {
        if (from != to && !heard(to, from)) {
          return false;
        }
      }
    }
    return true;
  }

  /** What the sending probe saw, for the report: refusals, errors, whether it ended. */
  private static String state(ChatClient probe) {
    ClientRecord record = probe.record;
    return "its sender "
        + probe.name
        + ": "
        + record.refusedNanos().size()
        + " ERR unavailable, "
        + (record.hasEnded() ? "ended: " + record.endReason() : "still connected")
        + (record.notes().isEmpty() ? "" : ", " + String.join("; ", record.notes()));
  }

  private static boolean heard(ChatClient to, ChatClient from) {
    return to.record.received(from.record.id, 1);
  }
}
