package io.ringchat.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.aeron.Counter;
import io.aeron.cluster.ElectionState;
import java.nio.ByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;

/** The consensus module sleeps briefly while its member elects, or before it has started. */
class ElectionWatchTest {
  private final CountersManager counters =
      new CountersManager(
          new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024)),
          new UnsafeBuffer(ByteBuffer.allocateDirect(16 * 1024)));

  @Test
  void shouldSayElectingUntilTheMemberStartedThenFollowItsElectionState() {
    ElectionWatch watch = new ElectionWatch();
    assertThat(watch.getAsBoolean()).as("not started: the first election is ahead").isTrue();

    int id = counters.allocate("election state");
    Counter state = new Counter(counters, id);
    watch.watch(state);

    state.set(ElectionState.CANVASS.code());
    assertThat(watch.getAsBoolean()).isTrue();
    state.set(ElectionState.LEADER_READY.code());
    assertThat(watch.getAsBoolean()).isTrue();
    state.set(ElectionState.CLOSED.code());
    assertThat(watch.getAsBoolean()).as("no election").isFalse();
  }
}
