package io.ringchat.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The leader's retry timer: one at a time, waiting longer while brokers stay behind. */
class EgressRetryTimerTest {
  private static final long FIRST_MS = 10;
  private static final long MAX_MS = 1_000;

  private final EgressRetryTimer timer = new EgressRetryTimer(FIRST_MS, MAX_MS);

  @Test
  void shouldScheduleOneTimerAtATimeAndWaitTwiceAsLongEachTimeTheBrokersAreStillBehind() {
    assertThat(timer.delayToSchedule()).isEqualTo(FIRST_MS);
    timer.scheduled(100);
    assertThat(timer.delayToSchedule()).as("one is scheduled").isEqualTo(-1);
    assertThat(timer.fired(100)).isTrue();
    assertThat(timer.delayToSchedule()).isEqualTo(2 * FIRST_MS);
    for (long id = 200; id < 220; id++) {
      timer.scheduled(id);
      timer.fired(id);
    }
    assertThat(timer.delayToSchedule()).isEqualTo(MAX_MS);
    timer.caughtUp();
    assertThat(timer.delayToSchedule()).isEqualTo(FIRST_MS);
  }

  @Test
  void shouldIgnoreATimerItDidNotScheduleAndForgetItsOwnWhenItNoLongerLeads() {
    timer.scheduled(100);
    assertThat(timer.fired(99)).as("another leader's, or an old one").isFalse();
    assertThat(timer.delayToSchedule()).isEqualTo(-1);
    timer.reset();
    assertThat(timer.fired(100)).isFalse();
    assertThat(timer.delayToSchedule()).isEqualTo(FIRST_MS);
  }
}
