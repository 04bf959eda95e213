package io.ringchat.bench.faults;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Carries out a schedule's steps on the members: chooses each fault's member when it runs (whoever
 * leads then), injects the fault, holds it, heals it, and has the {@link LivenessProbe} check that
 * the room serves again within 30 s of the heal. It counts the faults by kind and which members
 * were killed while they led, and prints one line per step.
 *
 * <p>The run's thread.
 */
final class Nemesis {
  private final Members members;
  private final LivenessProbe probe;
  private final Random random;
  private final PrintStream out;
  private final long startNanos;
  private final Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
  private final Set<Integer> killedWhileLeading = new TreeSet<>();
  private final List<String> livenessFailures = new ArrayList<>();
  private int leaderKills;
  private int lastVictim = -1;
  private int probes;
  private int nudges;

  Nemesis(Members members, LivenessProbe probe, long seed, PrintStream out, long startNanos) {
    this.members = members;
    this.probe = probe;
    this.random = new Random(seed ^ 0x5DEECE66DL); // its own stream: targets, not the schedule
    this.out = out;
    this.startNanos = startNanos;
  }

  /** Carries out one step; returns false when the run cannot go on (a member would not start). */
  boolean apply(Step step) throws IOException, InterruptedException {
    try {
      if (step instanceof Step.Quiet quiet) {
        Thread.sleep(quiet.millis());
      } else if (step instanceof Step.Kill kill) {
        kill(kill);
      } else if (step instanceof Step.RollingRestart rolling) {
        rollingRestart(rolling.leaderLast());
      } else if (step instanceof Step.Pause pause) {
        pause(pause);
      } else if (step instanceof Step.Partition partition) {
        partition(partition);
      } else if (step instanceof Step.StaleLeaderReturn stale) {
        staleLeaderReturn(stale);
      }
      return true;
    } catch (Members.MemberFailure e) {
      livenessFailures.add(e.getMessage());
      say("member failure: " + e.getMessage());
      return false;
    }
  }

  /** The member a fault hits, and whether it led when it was hit. */
  private record Victim(int member, boolean leading) {}

  /** Chooses the member {@code target} names, counts the fault and says what hits it. */
  private Victim strike(Step.Target target, Fault fault, String signal)
      throws InterruptedException {
    int member = choose(target);
    boolean leading = member == members.leader();
    count(fault);
    say(signal + " member " + member + (leading ? " (leader)" : ""));
    return new Victim(member, leading);
  }

  private void kill(Step.Kill kill) throws IOException, InterruptedException {
    Victim victim = strike(kill.target(), Fault.KILL, "SIGKILL");
    members.kill(victim.member());
    if (victim.leading()) {
      killedWhileLeading.add(victim.member());
      leaderKills++;
    }
    Thread.sleep(kill.downMillis());
    long restarting = System.nanoTime();
    members.restart(victim.member());
    long healed = System.nanoTime();
    probeAfter(
        healed,
        String.format(
            Locale.ROOT,
            "restarted member %d after %d ms down (it took %.1f s to serve)",
            victim.member(),
            kill.downMillis(),
            seconds(healed - restarting)));
  }

  private void rollingRestart(boolean leaderLast) throws IOException, InterruptedException {
    count(Fault.ROLLING_RESTART);
    int leader = awaitLeader();
    int first =
        leaderLast && leader >= 0 ? (leader + 1) % members.size() : random.nextInt(members.size());
    for (int k = 0; k < members.size(); k++) {
      int member = (first + k) % members.size();
      boolean leading = member == members.leader();
      long stopping = System.nanoTime();
      say("SIGTERM member " + member + (leading ? " (leader)" : ""));
      members.stop(member);
      long stopped = System.nanoTime();
      members.restart(member);
      long healed = System.nanoTime();
      probeAfter(
          healed,
          String.format(
              Locale.ROOT,
              "restarted member %d (stopped in %.1f s, took %.1f s to serve)",
              member,
              seconds(stopped - stopping),
              seconds(healed - stopped)));
    }
  }

  private void pause(Step.Pause pause) throws IOException, InterruptedException {
    Victim victim = strike(pause.target(), Fault.PAUSE, "SIGSTOP");
    members.pause(victim.member());
    Thread.sleep(pause.millis());
    members.resume(victim.member());
    probeAfter(
        System.nanoTime(),
        "SIGCONT member " + victim.member() + " after " + pause.millis() + " ms stopped");
  }

  private void partition(Step.Partition partition) throws IOException, InterruptedException {
    if (!members.canCut()) {
      return;
    }
    Victim victim = strike(partition.target(), Fault.PARTITION, "cut off");
    members.cut(victim.member());
    Thread.sleep(partition.millis());
    members.heal(victim.member());
    probeAfter(
        System.nanoTime(),
        "healed member " + victim.member() + " after " + partition.millis() + " ms cut off");
  }

  /** How long {@link Step.StaleLeaderReturn} cuts the new leader off: past the leader timeout. */
  private static final long NEW_LEADER_CUT_MILLIS = 1_500;

  private void staleLeaderReturn(Step.StaleLeaderReturn step)
      throws IOException, InterruptedException {
    if (!members.canCut()) {
      return;
    }
    Victim old = strike(Step.Target.LEADER, Fault.STALE_LEADER_RETURN, "cut off");
    members.cut(old.member());
    long cut = System.nanoTime();
    int next = awaitLeader(); // the cut member's ready file is not read: another one
    if (next < 0) {
      members.heal(old.member());
      probeAfter(System.nanoTime(), "healed member " + old.member() + " (no other leader came)");
      return;
    }
    int third = members.size() - old.member() - next; // three members: 0 + 1 + 2
    say(
        String.format(
            Locale.ROOT,
            "member %d leads %.1f s after the cut; SIGSTOP member %d",
            next,
            seconds(System.nanoTime() - cut),
            third));
    members.pause(third);
    joinOnce(next);
    Thread.sleep(step.healAfterMillis());
    members.heal(old.member());
    say("healed member " + old.member());
    long waited = step.healAfterMillis();
    if (step.cutNewMillis() >= 0) {
      Thread.sleep(step.cutNewMillis());
      members.cut(next);
      say("cut off member " + next + " (the new leader)");
      Thread.sleep(NEW_LEADER_CUT_MILLIS);
      members.heal(next);
      say("healed member " + next);
      waited += step.cutNewMillis() + NEW_LEADER_CUT_MILLIS;
    }
    Thread.sleep(Math.max(0, step.lagMillis() - waited));
    members.resume(third);
    probeAfter(
        System.nanoTime(),
        "SIGCONT member "
            + third
            + " after "
            + step.lagMillis()
            + " ms stopped, the old leader back");
  }

  /**
   * A member joins on member {@code i}'s broker and leaves: entries of their own sizes in the new
   * leader's log (uncommitted while its follower is paused). Every chat message here is 128 bytes
   * in the log, so without them the old leader's tail (its broker's unacknowledged messages) ends
   * where a message of the new leader's log ends too, and the commit position its return sets is
   * harmless.
   */
  private void joinOnce(int i) {
    InetSocketAddress at = members.chatAddress(i);
    if (at == null) {
      return;
    }
    try (Socket socket = new Socket()) {
      socket.connect(at, 2_000);
      // The new leader commits nothing while its follower is paused: the WELCOME comes later, and
      // waiting for it is not the point (the JOIN's entry is in its log once the room has read it).
      socket.setSoTimeout(300);
      socket
          .getOutputStream()
          .write(("JOIN nudge" + nudges++ + "\nLEAVE\n").getBytes(StandardCharsets.UTF_8));
      socket.getInputStream().read();
    } catch (SocketTimeoutException e) {
      // as expected: see above
    } catch (IOException e) {
      say("a join on member " + i + " failed: " + e);
    }
  }

  /** Whatever is still down, paused or cut off is brought back, and the room probed once more. */
  void healAll() throws IOException, InterruptedException {
    for (int i = 0; i < members.size(); i++) {
      if (members.paused(i)) {
        members.resume(i);
      }
      if (members.isCut(i)) {
        members.heal(i);
      }
      if (!members.alive(i)) {
        members.restart(i);
      }
    }
    probeAfter(System.nanoTime(), "the end of the faults");
  }

  private void probeAfter(long healedNanos, String what) throws InterruptedException {
    List<String> failed = probe.probe(++probes, healedNanos, what);
    double took = seconds(System.nanoTime() - healedNanos);
    if (failed.isEmpty()) {
      say(String.format(Locale.ROOT, "%s; serving again %.1f s later", what, took));
    } else {
      say(what + "; LIVENESS FAILED: " + String.join("; ", failed));
      livenessFailures.addAll(failed);
    }
  }

  /** A serving member for {@code target}; the leader (or, with none known yet, anyone). */
  private int choose(Step.Target target) throws InterruptedException {
    int leader = awaitLeader();
    List<Integer> candidates = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      if (members.serving(i)) {
        candidates.add(i);
      }
    }
    int chosen;
    if (target == Step.Target.LEADER && leader >= 0) {
      chosen = leader;
    } else if (target == Step.Target.FOLLOWER) {
      List<Integer> followers = new ArrayList<>(candidates);
      followers.remove(Integer.valueOf(leader));
      if (followers.size() > 1) {
        followers.remove(Integer.valueOf(lastVictim));
      }
      chosen = followers.get(random.nextInt(followers.size()));
    } else {
      chosen = candidates.get(random.nextInt(candidates.size()));
    }
    lastVictim = chosen;
    return chosen;
  }

  /** The leader, waiting up to 10 s for the ready files to name one. */
  private int awaitLeader() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    int leader;
    while ((leader = members.leader()) < 0 && System.nanoTime() - deadline < 0) {
      Thread.sleep(20);
    }
    return leader;
  }

  private void count(Fault fault) {
    injected.merge(fault, 1, Integer::sum);
  }

  private void say(String line) {
    out.printf(Locale.ROOT, "%+8.1fs  %s%n", seconds(System.nanoTime() - startNanos), line);
    out.flush();
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  Map<Fault, Integer> injected() {
    return injected;
  }

  Set<Integer> killedWhileLeading() {
    return killedWhileLeading;
  }

  int leaderKills() {
    return leaderKills;
  }

  List<String> livenessFailures() {
    return livenessFailures;
  }
}
