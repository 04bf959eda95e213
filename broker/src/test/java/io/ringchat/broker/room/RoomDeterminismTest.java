package io.ringchat.broker.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The room is a state machine: the same calls in the same order give the same output, call for
 * call, whatever else differs between the runs (here: another room instance, other objects, other
 * identity hash codes). A room that read a clock, iterated a hash map of objects or depended on
 * allocation would fail this.
 */
class RoomDeterminismTest {
  private static final String[] NAMES = {"ann", "Ann", "bob", "carol", "dave", "Zo\u00EB", "x"};

  @Test
  void shouldGiveTheSameOutputForTheSameCalls() {
    for (long seed = 1; seed <= 20; seed++) {
      List<String> first = run(seed);
      List<String> second = run(seed);

      assertThat(second).as("seed %d", seed).isEqualTo(first);
      assertThat(first).as("seed %d made the room speak", seed).hasSizeGreaterThan(100);
    }
  }

  @Test
  void shouldGiveTheSameOutputForTheSameCallsAndClockWithHistory() {
    // Three seeds, not twenty: the paranoid leak check records every access to a kept chunk.
    for (long seed = 1; seed <= 3; seed++) {
      List<String> first = run(seed, true);
      List<String> second = run(seed, true);

      assertThat(second).as("seed %d", seed).isEqualTo(first);
      assertThat(first).as("seed %d replayed", seed).anyMatch(call -> call.contains("POST"));
    }
  }

  private static List<String> run(long seed) {
    return run(seed, false);
  }

  /**
   * Two thousand random calls from 12 connections, with random batch ends and busy writers; with
   * {@code history}, a room that keeps a few messages, joins that are positioned at random, and a
   * clock the calls move (the room's one input besides the calls).
   */
  private static List<String> run(long seed, boolean history) {
    SplittableRandom random = new SplittableRandom(seed);
    RoomHarness room =
        history
            ? new RoomHarness(1 + random.nextInt(8), random.nextInt(20), 64L + random.nextInt(2000))
            : new RoomHarness(1 + random.nextInt(8));
    for (int i = 0; i < 2_000; i++) {
      int connection = random.nextInt(12);
      if (history) {
        room.millis += random.nextInt(3) - 1; // now and then backwards
      }
      switch (random.nextInt(9)) {
        case 0, 1 -> {
          String name = NAMES[random.nextInt(NAMES.length)];
          switch (history ? random.nextInt(3) : 0) {
            case 0 -> room.join(connection, name);
            case 1 -> room.joinHistory(connection, name, random.nextInt(30));
            default ->
                room.joinSince(
                    connection,
                    name,
                    random.nextBoolean() ? RoomHarness.EPOCH : "other",
                    random.nextInt(Math.toIntExact(room.room.lastSeq() + 1)));
          }
        }
        case 2, 3, 4 -> room.send(connection, "m" + i);
        case 5 -> room.who(connection);
        case 6 -> room.ping(connection, random.nextBoolean() ? null : "t" + i);
        case 7 -> {
          switch (random.nextInt(3)) {
            case 0 -> room.leave(connection);
            case 1 -> room.disconnect(connection);
            default -> room.evict(connection);
          }
        }
        default -> {
          room.out.busy = random.nextInt(3) == 0;
          room.endBatch();
        }
      }
    }
    room.out.busy = false;
    room.endBatch();
    room.room.onShutdown();
    return room.out.log;
  }
}
