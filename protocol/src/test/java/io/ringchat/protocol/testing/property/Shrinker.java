package io.ringchat.protocol.testing.property;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Makes a failing choice stream as short and as low as it can while the property still fails:
 * delete whole list elements (the spans generators mark), delete short runs of draws, then lower
 * each draw (to 0, else the least that still fails). A candidate counts only if it fails with the
 * same kind of exception, so that shrinking does not slide from one bug into another. Every
 * accepted candidate is shorter, or as long and lower at its first difference, so shrinking ends; a
 * budget of runs bounds its time.
 */
final class Shrinker {
  /** What running the property on a replayed stream gave: the draws it used, and the failure. */
  static final class Outcome {
    private final int[] used;
    private final List<int[]> spans;
    private final Throwable failure;

    Outcome(int[] used, List<int[]> spans, Throwable failure) {
      this.used = used;
      this.spans = spans;
      this.failure = failure;
    }

    int[] used() {
      return used;
    }

    List<int[]> spans() {
      return spans;
    }

    /** Null when the property held. */
    Throwable failure() {
      return failure;
    }
  }

  private final Function<int[], Outcome> run;
  private final Class<? extends Throwable> kind;
  private int budget;
  private Outcome best;

  /**
   * @param run replays a stream and runs the property on it
   * @param failing the failure to shrink
   * @param budget most property runs to spend
   */
  Shrinker(Function<int[], Outcome> run, Outcome failing, int budget) {
    this.run = run;
    this.best = failing;
    this.kind = failing.failure().getClass();
    this.budget = budget;
  }

  /** The smallest failure found within the budget. */
  Outcome shrink() {
    boolean progress = true;
    while (progress && budget > 0) {
      // Every pass runs, whatever the one before it found: a deletion can make a draw lowerable
      // and a lowered draw can make an element deletable.
      boolean deleted = deleteSpans();
      boolean cut = deleteRuns();
      boolean lowered = lowerDraws();
      progress = deleted || cut || lowered;
    }
    return best;
  }

  /** How many runs of the budget are left. */
  int budgetLeft() {
    return budget;
  }

  private boolean deleteSpans() {
    boolean progress = false;
    boolean deleted = true;
    while (deleted && budget > 0) {
      deleted = false;
      // Longest first: a whole list before its elements. A deletion moves the later spans, so the
      // search starts again from the new stream's own.
      List<int[]> spans = new ArrayList<>(best.spans());
      spans.sort((a, b) -> (b[1] - b[0]) - (a[1] - a[0]));
      for (int[] span : spans) {
        if (span[1] <= best.used().length && tryCandidate(delete(best.used(), span[0], span[1]))) {
          progress = true;
          deleted = true;
          break;
        }
      }
    }
    return progress;
  }

  private boolean deleteRuns() {
    boolean progress = false;
    for (int size = 4; size >= 1; size /= 2) {
      for (int at = best.used().length - size; at >= 0; at--) {
        if (at + size <= best.used().length && tryCandidate(delete(best.used(), at, at + size))) {
          progress = true;
        }
      }
    }
    return progress;
  }

  private boolean lowerDraws() {
    boolean progress = false;
    for (int i = 0; i < best.used().length; i++) {
      int value = best.used()[i];
      if (value == 0) {
        continue;
      }
      if (tryCandidate(with(best.used(), i, 0))) {
        progress = true;
        continue;
      }
      // Binary search for the least value that still fails; 0 passes, value fails.
      int low = 0;
      int high = value;
      while (high - low > 1 && budget > 0 && i < best.used().length) {
        int mid = (low + high) >>> 1;
        if (tryCandidate(with(best.used(), i, mid))) {
          high = mid;
          progress = true;
        } else {
          low = mid;
        }
      }
    }
    return progress;
  }

  private boolean tryCandidate(int[] candidate) {
    if (budget <= 0) {
      return false;
    }
    budget--;
    Outcome outcome = run.apply(candidate);
    if (outcome.failure() == null
        || !kind.isInstance(outcome.failure())
        || !simpler(outcome.used(), best.used())) {
      return false;
    }
    best = outcome;
    return true;
  }

  /** Shorter, or as long and lower at the first difference. */
  static boolean simpler(int[] a, int[] b) {
    if (a.length != b.length) {
      return a.length < b.length;
    }
    return Arrays.compare(a, b) < 0;
  }

  private static int[] delete(int[] draws, int from, int to) {
    int[] out = new int[draws.length - (to - from)];
    System.arraycopy(draws, 0, out, 0, from);
    System.arraycopy(draws, to, out, from, draws.length - to);
    return out;
  }

  private static int[] with(int[] draws, int index, int value) {
    int[] out = draws.clone();
    out[index] = value;
    return out;
  }
}
