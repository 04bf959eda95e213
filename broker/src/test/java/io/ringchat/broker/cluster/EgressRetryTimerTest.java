package io.ringchat.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The leader's retry timer: one at a time, waiting longer while brokers stay behind. */
class EgressRetryTimerTest {
  private final EgressRetryTimer timer = new EgressRetryTimer();

  @Test
  void shouldScheduleOneTimerAtATimeAndWaitTwiceAsLongEachTimeTheBrokersAreStillBehind() {
    assertThat(timer.delayToSchedule()).isEqualTo(EgressRetryTimer.FIRST_MS);
    timer.scheduled(100);
    assertThat(timer.delayToSchedule()).as("one is scheduled").isEqualTo(-1);
    assertThat(timer.fired(100)).isTrue();
    assertThat(timer.delayToSchedule()).isEqualTo(2 * EgressRetryTimer.FIRST_MS);
    for (long id = 200; id < 220; id++) {
      timer.scheduled(id);
      timer.fired(id);
    }
    assertThat(timer.delayToSchedule()).isEqualTo(EgressRetryTimer.MAX_INTERVAL_MS);
    timer.caughtUp();
    assertThat(timer.delayToSchedule()).isEqualTo(EgressRetryTimer.FIRST_MS);
  }

  @Test
  void shouldIgnoreATimerItDidNotScheduleAndForgetItsOwnWhenItNoLongerLeads() {
    timer.scheduled(100);
    assertThat(timer.fired(99)).as("another leader's, or an old one").isFalse();
    assertThat(timer.delayToSchedule()).isEqualTo(-1);
    timer.reset();
    assertThat(timer.fired(100)).isFalse();
    assertThat(timer.delayToSchedule()).isEqualTo(EgressRetryTimer.FIRST_MS);
  }
}
