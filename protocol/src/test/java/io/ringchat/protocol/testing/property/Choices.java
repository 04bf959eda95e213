package io.ringchat.protocol.testing.property;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The stream of random decisions a generator makes: each {@link #draw} is a number below a bound.
 * Fresh choices come from a seeded random source and are recorded; a recorded stream replays the
 * same value, and a shorter or lower stream replays a simpler one, which is all {@link Shrinker}
 * needs. Generators arrange their draws so that 0 is the simplest answer (stop the list, the first
 * alternative, the smallest number).
 */
public final class Choices {
  private final SplittableRandom random;
  private final int[] replay;
  private int[] drawn = new int[64];
  private int count;
  private final List<int[]> spans = new ArrayList<>();

  private Choices(SplittableRandom random, int[] replay) {
    this.random = random;
    this.replay = replay;
  }

  /** Fresh choices from {@code random}, recorded as they are made. */
  static Choices fresh(SplittableRandom random) {
    return new Choices(random, null);
  }

  /** Replays {@code recorded}; draws past its end answer 0, the simplest choice. */
  static Choices replaying(int[] recorded) {
    return new Choices(null, recorded);
  }

  /** A number in {@code [0, bound)}. */
  public int draw(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive: " + bound);
    }
    int value;
    if (replay == null) {
      value = random.nextInt(bound);
    } else {
      // A shrunk stream may hold a number a changed earlier choice no longer allows.
      value = count < replay.length ? Math.min(replay[count], bound - 1) : 0;
    }
    if (count == drawn.length) {
      drawn = Arrays.copyOf(drawn, count * 2);
    }
    drawn[count++] = value;
    return value;
  }

  /** Where the next draw will be recorded; the start of a span. */
  int position() {
    return count;
  }

  /**
   * Marks the draws from {@code start} to now as one unit (a list element with its continue flag),
   * which the shrinker tries to delete whole.
   */
  void span(int start) {
    if (count > start) {
      spans.add(new int[] {start, count});
    }
  }

  /** The draws made so far. */
  int[] recorded() {
    return Arrays.copyOf(drawn, count);
  }

  /** The spans marked so far, each {@code {start, end}}. */
  List<int[]> spans() {
    return spans;
  }
}
