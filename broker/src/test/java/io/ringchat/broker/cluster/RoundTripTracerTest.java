package io.ringchat.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ringchat.broker.stats.RoundTripHops;
import io.ringchat.broker.stats.RoundTripHops.Hop;
import org.junit.jupiter.api.Test;

class RoundTripTracerTest {
  private static final long INTERVAL_NS = 10_000_000;
  private long now = 5_000_000_000L;
  private final RoundTripHops hops = new RoundTripHops();
  private final RoundTripTracer tracer = new RoundTripTracer(() -> now, INTERVAL_NS, hops);

  @Test
  void shouldMarkOneMessageUntilItIsOfferedAndTraceAgainOnlyAfterTheInterval() {
    assertThat(tracer.due(now)).isTrue();
    assertThat(tracer.due(now)).as("one marked, not offered yet").isFalse();
    long stamp = tracer.offered(now, 1_000);
    assertThat(stamp).isEqualTo(now);
    tracer.answered(stamp, now + 1, now + 2, now + 3);
    assertThat(tracer.due(now)).as("within the interval").isFalse();
    now += INTERVAL_NS;
    assertThat(tracer.due(now)).isTrue();
  }

  @Test
  void shouldCountOnlyTheAnswerToTheTraceInFlightOnce() {
    tracer.due(now);
    long first = tracer.offered(now, 0);
    now += 1_000;
    tracer.answered(first - 1, first, first, first); // another stamp: a follower's kept answer
    assertThat(hops.count(Hop.ROUND_TRIP)).isZero();
    tracer.answered(first, first + 100, first + 300, first + 400);
    tracer.answered(first, first + 100, first + 300, first + 400); // egress sent again
    assertThat(hops.count(Hop.ROUND_TRIP)).isEqualTo(1);
    assertThat(hops.sum(Hop.EGRESS)).isCloseTo(600e-9, within(1e-12));
    assertThat(hops.sum(Hop.ROUND_TRIP)).isCloseTo(1_000e-9, within(1e-12));
  }

  @Test
  void shouldGiveUpOnATraceWhoseAnswerNeverCameAfterASecond() {
    tracer.due(now);
    long lost = tracer.offered(now, 0); // its leader died with it
    now += INTERVAL_NS;
    assertThat(tracer.due(now)).as("still in flight").isFalse();
    now += 1_000_000_000L;
    assertThat(tracer.due(now)).isTrue();
    long next = tracer.offered(now, 0);
    tracer.answered(lost, lost, lost, lost);
    assertThat(hops.count(Hop.ROUND_TRIP)).as("the lost one's late answer").isZero();
    tracer.answered(next, next, next, next);
    assertThat(hops.count(Hop.ROUND_TRIP)).isEqualTo(1);
  }

  @Test
  void shouldTraceNothingWithAnIntervalOfZero() {
    RoundTripTracer off = new RoundTripTracer(() -> now, 0, hops);
    assertThat(off.due(now)).isFalse();
  }

  @Test
  void shouldForgetTheMarkedMessageWhenTheSessionIsLost() {
    tracer.due(now);
    tracer.restart();
    assertThat(tracer.due(now)).isTrue();
  }
}
