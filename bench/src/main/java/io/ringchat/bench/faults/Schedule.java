package io.ringchat.bench.faults;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.Set;

/**
 * What the nemesis does, step by step: one of the fixed sequences (the failures first seen by hand,
 * each killing the leader once), or a random one drawn from a seed, in the spirit of Jepsen's
 * combined nemesis: kills and restarts (at once, or after a while down), rolling restarts, pauses
 * shorter and longer than the session and election timeouts, and partitions where the host can make
 * them, with quiet gaps of random length, so that each fault meets whatever the one before left
 * behind.
 *
 * <p>The run's thread.
 */
abstract class Schedule {
  /** The fixed sequences, by name. */
  static final List<String> FIXED =
      List.of(
          "leader-kill",
          "followers-then-leader",
          "follower-twice-then-leader",
          "leader-kills",
          "rolling-restart",
          "leader-pause",
          "stale-leader-return");

  /** What the schedule needs to know to go on. */
  record Progress(long elapsedMillis, int members, Set<Integer> killedWhileLeading) {}

  /** The next step, or null when the schedule is done. */
  abstract Step next(Progress progress);

  /** The schedule called {@code name} ({@code random} or one of {@link #FIXED}). */
  static Schedule named(
      String name, long seed, long durationMillis, boolean partitions, boolean everyLeaderKilled) {
    return switch (name) {
      case "random" -> new RandomSchedule(seed, durationMillis, partitions, everyLeaderKilled);
      case "leader-kill" -> fixed(leaderKill());
      case "followers-then-leader" -> fixed(followersThenLeader());
      case "follower-twice-then-leader" -> fixed(followerTwiceThenLeader());
      // The three in a row on one cluster, each meeting what the one before left behind.
      case "leader-kills" ->
          fixed(
              concat(
                  leaderKill(),
                  followersThenLeader(),
                  new Step[] {new Step.Quiet(2_000)},
                  followerTwiceThenLeader()));
      // Every member stopped with SIGTERM and restarted in turn, as an upgrade would.
      case "rolling-restart" ->
          fixed(new Step.Quiet(2_000), new Step.RollingRestart(true), new Step.Quiet(2_000));
      // The leader frozen past the session timeout: it wakes still leading, until it learns.
      case "leader-pause" ->
          fixed(
              new Step.Quiet(2_000),
              new Step.Pause(Step.Target.LEADER, 5_000),
              new Step.Quiet(2_000));
      // An old leader back from a partition to a new leader whose follower lags (the commit
      // position it can corrupt, docs/CLUSTER.md), the new leader then cut off so that it elects
      // again; as root where netns works only.
      case "stale-leader-return" -> fixed(staleLeaderReturns(6));
      default ->
          throw new IllegalArgumentException(
              "--schedule must be random or one of " + FIXED + ", got '" + name + "'");
    };
  }

  /**
   * How long a killed leader stays down: past the 3 s session timeout, so that the room has removed
   * its broker's session and goes on without it before the member comes back to catch up.
   */
  private static final long LEADER_DOWN_MILLIS = 5_000;

  private static Step[] staleLeaderReturns(int times) {
    List<Step> steps = new ArrayList<>();
    steps.add(new Step.Quiet(3_000));
    for (int i = 0; i < times; i++) {
      // The new leader's log must outgrow the old one's (its broker's re-sent and new messages, at
      // 50/s) before the old one is healed; its return moves the commit at once.
      steps.add(new Step.StaleLeaderReturn(1_500, 6_000, 50 + 50L * i));
      steps.add(new Step.Quiet(3_000));
    }
    return steps.toArray(new Step[0]);
  }

  /** The leader killed mid-chat, on a fresh cluster whose every broker has members. */
  private static Step[] leaderKill() {
    return new Step[] {
      new Step.Quiet(3_000), new Step.Kill(Step.Target.LEADER, LEADER_DOWN_MILLIS)
    };
  }

  /** The same after both followers were killed and restarted at once (stale files). */
  private static Step[] followersThenLeader() {
    return new Step[] {
      new Step.Kill(Step.Target.FOLLOWER, 0),
      new Step.Kill(Step.Target.FOLLOWER, 0),
      new Step.Quiet(2_000),
      new Step.Kill(Step.Target.LEADER, LEADER_DOWN_MILLIS)
    };
  }

  /**
   * A follower down for a while (it must catch up), one killed and restarted at once, the leader.
   */
  private static Step[] followerTwiceThenLeader() {
    return new Step[] {
      new Step.Kill(Step.Target.FOLLOWER, 4_000),
      new Step.Kill(Step.Target.FOLLOWER, 0),
      new Step.Quiet(2_000),
      new Step.Kill(Step.Target.LEADER, LEADER_DOWN_MILLIS)
    };
  }

  private static Step[] concat(Step[]... parts) {
    return Arrays.stream(parts).flatMap(Arrays::stream).toArray(Step[]::new);
  }

  private static Schedule fixed(Step... steps) {
    Queue<Step> queue = new ArrayDeque<>(List.of(steps));
    return new Schedule() {
      @Override
      Step next(Progress progress) {
        return queue.poll();
      }
    };
  }

  /** Random steps from a seed, for a duration (and until every member was killed leading). */
  private static final class RandomSchedule extends Schedule {
    /** However long it takes to kill every member while it leads, it stops this long after. */
    private static final long MOST_EXTRA_MILLIS = 600_000;

    private final Random random;
    private final long durationMillis;
    private final boolean partitions;
    private final boolean everyLeaderKilled;
    private boolean quietNext = true;

    RandomSchedule(long seed, long durationMillis, boolean partitions, boolean everyLeaderKilled) {
      this.random = new Random(seed);
      this.durationMillis = durationMillis;
      this.partitions = partitions;
      this.everyLeaderKilled = everyLeaderKilled;
    }

    @Override
    Step next(Progress progress) {
      boolean pastDuration = progress.elapsedMillis() >= durationMillis;
      boolean allKilledLeading = progress.killedWhileLeading().size() >= progress.members();
      if (pastDuration
          && (!everyLeaderKilled
              || allKilledLeading
              || progress.elapsedMillis() >= durationMillis + MOST_EXTRA_MILLIS)) {
        return null;
      }
      if (quietNext) {
        quietNext = false;
        return new Step.Quiet(random.nextInt(4_001));
      }
      quietNext = true;
      if (pastDuration) {
        return new Step.Kill(Step.Target.LEADER, downMillis()); // until every member was hit
      }
      int roll = random.nextInt(100);
      if (roll < 40) {
        return new Step.Kill(target(), downMillis());
      } else if (roll < 50) {
        return new Step.RollingRestart(random.nextBoolean());
      } else if (roll < 80 || !partitions) {
        return new Step.Pause(target(), 500 + random.nextInt(7_501));
      } else {
        return new Step.Partition(target(), 1_000 + random.nextInt(9_001));
      }
    }

    private Step.Target target() {
      int roll = random.nextInt(10);
      return roll < 5 ? Step.Target.LEADER : roll < 9 ? Step.Target.FOLLOWER : Step.Target.ANY;
    }

    /** Restarted at once half the time (its files still fresh), else after up to 6 s down. */
    private long downMillis() {
      return random.nextBoolean() ? 0 : 500 + random.nextInt(5_501);
    }
  }
}
