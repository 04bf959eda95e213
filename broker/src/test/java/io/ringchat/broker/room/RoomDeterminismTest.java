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

  /** Two thousand random calls from 12 connections, with random batch ends and busy writers. */
  private static List<String> run(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    RoomHarness room = new RoomHarness(1 + random.nextInt(8));
    for (int i = 0; i < 2_000; i++) {
      int connection = random.nextInt(12);
      switch (random.nextInt(9)) {
        case 0, 1 -> room.join(connection, NAMES[random.nextInt(NAMES.length)]);
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
    return room.out.log;
  }
}
