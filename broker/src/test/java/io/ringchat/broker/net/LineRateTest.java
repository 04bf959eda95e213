package io.ringchat.broker.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The token bucket on a fake clock: no threads, no sleeps. */
class LineRateTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void shouldAllowTheBurstThenGoIntoDebt() {
    LineRate rate = new LineRate(100, 0); // burst: max(8, 10) = 10 lines
    for (int i = 0; i < 10; i++) {
      assertThat(rate.take(0)).as("line %d of the burst", i).isTrue();
    }
    assertThat(rate.take(0)).isFalse();
    assertThat(rate.nanosUntilClear(0)).isEqualTo(SECOND / 100);
  }

  @Test
  void shouldRefillAtTheRateUpToTheBurstOnly() {
    LineRate rate = new LineRate(100, 0);
    for (int i = 0; i < 10; i++) {
      rate.take(0);
    }
    assertThat(rate.take(SECOND / 100)).as("one line's worth refilled").isTrue();
    assertThat(rate.take(SECOND / 100)).isFalse();

    long muchLater = 60 * SECOND;
    for (int i = 0; i < 10; i++) {
      assertThat(rate.take(muchLater)).isTrue();
    }
    assertThat(rate.take(muchLater)).as("the bucket never holds more than the burst").isFalse();
  }

  @Test
  void shouldHaveASmallBurstOfAtLeastEightLines() {
    assertThat(LineRate.burstFor(1)).isEqualTo(8);
    assertThat(LineRate.burstFor(1000)).isEqualTo(100);
  }
}
