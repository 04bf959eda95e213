package io.ringchat.broker.cluster;

import io.aeron.Counter;
import io.aeron.cluster.ElectionState;
import java.util.function.BooleanSupplier;

/**
 * Whether this process's member is in an election (or not yet started): its consensus module then
 * sleeps only briefly when idle, since an election goes from step to step on timers (the nomination
 * delay, the ballot's timeout) as well as on messages, and a failover lasts as long as its steps
 * wait. Outside elections the module sleeps as long as the member's other threads.
 *
 * <p>Read on the consensus module's thread; {@link #watch} once, by the thread that starts the
 * member.
 */
final class ElectionWatch implements BooleanSupplier {
  private volatile Counter state;

  /** The consensus module's election state counter, once it started. */
  void watch(Counter electionState) {
    this.state = electionState;
  }

  @Override
  public boolean getAsBoolean() {
    Counter counter = state;
    return counter == null || counter.isClosed() || counter.get() != ElectionState.CLOSED.code();
  }
}
