package io.ringchat.protocol.testing.property;

import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs a property over generated values: a new seed every run (so that the default test run keeps
 * finding new cases), a failure shrunk to a small case and reported with the seed that replays it.
 *
 * <pre>{@code
 * PropertyCheck.forAll(Gen.utf8ish(12)).tries(2000).check(bytes -> assertThat(...));
 * }</pre>
 *
 * <p>{@code -Dproperty.seed=N} replays a run (every property takes its values from the seed alone,
 * so the one that failed fails again at the same try); {@code -Dproperty.tries=N} runs every
 * property N times instead of its own count, for a longer search.
 */
public final class PropertyCheck<T> {
  public static final String SEED_PROPERTY = "property.seed";
  public static final String TRIES_PROPERTY = "property.tries";

  /** A property: returns normally when it holds, throws (an assertion, anything) when not. */
  @FunctionalInterface
  public interface Property<T> {
    void test(T value) throws Exception;
  }

  private final Gen<T> gen;
  private int tries = 100;
  private Long seed;
  private int shrinkRuns = 5_000;

  private PropertyCheck(Gen<T> gen) {
    this.gen = gen;
  }

  public static <T> PropertyCheck<T> forAll(Gen<T> gen) {
    return new PropertyCheck<>(gen);
  }

  public PropertyCheck<T> tries(int count) {
    this.tries = count;
    return this;
  }

  /** A fixed seed, for the engine's own tests; others take {@code -Dproperty.seed}. */
  public PropertyCheck<T> seed(long value) {
    this.seed = value;
    return this;
  }

  /** The most property runs a shrink may take (each replays one candidate). */
  public PropertyCheck<T> shrinkRuns(int count) {
    this.shrinkRuns = count;
    return this;
  }

  /**
   * Runs the property; on a failure throws an {@link AssertionError} saying the seed, the try, the
   * shrunk value and the original one, caused by the shrunk value's failure.
   */
  public void check(Property<T> property) {
    long runSeed = seed != null ? seed : Long.getLong(SEED_PROPERTY, newSeed());
    int runTries = seed != null ? tries : Integer.getInteger(TRIES_PROPERTY, tries);
    SplittableRandom random = new SplittableRandom(runSeed);
    for (int attempt = 1; attempt <= runTries; attempt++) {
      Choices choices = Choices.fresh(random.split());
      T value = gen.draw(choices);
      Throwable failure = failureOf(property, value);
      if (failure != null) {
        Shrinker.Outcome first = new Shrinker.Outcome(choices.recorded(), choices.spans(), failure);
        Shrinker shrinker = new Shrinker(draws -> replay(property, draws), first, shrinkRuns);
        Shrinker.Outcome smallest = shrinker.shrink();
        T shrunk = gen.draw(Choices.replaying(smallest.used()));
        AssertionError error =
            new AssertionError(
                String.format(
                    "property failed on try %d of %d, seed %d (replay: -D%s=%d)%n"
                        + "shrunk in %d runs to: %s%n"
                        + "first failing value:  %s%n"
                        + "failure: %s",
                    attempt,
                    runTries,
                    runSeed,
                    SEED_PROPERTY,
                    runSeed,
                    shrinkRuns - shrinker.budgetLeft(),
                    Show.of(shrunk),
                    Show.of(value),
                    smallest.failure()),
                smallest.failure());
        if (smallest.failure() != failure) {
          error.addSuppressed(failure);
        }
        throw error;
      }
    }
  }

  private Shrinker.Outcome replay(Property<T> property, int[] draws) {
    Choices choices = Choices.replaying(draws);
    T value;
    try {
      value = gen.draw(choices);
    } catch (Gen.GenerationFailed e) {
      return new Shrinker.Outcome(choices.recorded(), choices.spans(), null);
    }
    return new Shrinker.Outcome(choices.recorded(), choices.spans(), failureOf(property, value));
  }

  private static <T> Throwable failureOf(Property<T> property, T value) {
    try {
      property.test(value);
      return null;
    } catch (Exception | AssertionError e) {
      return e;
    }
  }

  private static long newSeed() {
    return ThreadLocalRandom.current().nextLong();
  }
}
