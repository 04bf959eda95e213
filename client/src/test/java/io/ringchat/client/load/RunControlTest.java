package io.ringchat.client.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A sender's window counts from the slowest of its observers, one on each generator thread. */
class RunControlTest {
  @Test
  void shouldMakeTheNextMemberOnEachThreadAnObserver() {
    RunControl run = run(10, 2);
    assertThat(run.observers).isEqualTo(2);
    assertThat(run.observerRank(3, 4)).isEqualTo(1);
    assertThat(run.observerRank(3, 5)).isEqualTo(2);
    assertThat(run.observerRank(3, 6)).isZero();
    assertThat(run.observerRank(3, 3)).as("not its own observer").isZero();
    assertThat(run.observerRank(9, 0)).as("the members after the last are the first").isEqualTo(1);
    assertThat(run.observerRank(9, 1)).isEqualTo(2);
  }

  @Test
  void shouldCountTheWindowFromTheSlowestObserver() {
    RunControl run = run(10, 3);
    run.observe(4, 1, 120);
    run.observe(4, 2, 90);
    run.observe(4, 3, 100);
    assertThat(run.observedByAll(4)).isEqualTo(90);
    run.observe(4, 2, 130);
    assertThat(run.observedByAll(4)).isEqualTo(100);
    assertThat(run.observedByAll(5)).as("another sender's").isZero();
  }

  @Test
  void shouldHaveNoMoreObserversThanOtherMembers() {
    assertThat(run(2, 4).observers).isEqualTo(1);
    assertThat(run(1, 2).observers).isEqualTo(1);
  }

  private static RunControl run(int clients, int threads) {
    return new RunControl(clients, clients, 64, 0, 64, Target.RINGCHAT, false, threads);
  }
}
