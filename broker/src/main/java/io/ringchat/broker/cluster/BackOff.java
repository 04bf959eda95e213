package io.ringchat.broker.cluster;

/**
 * What an idle thread of the member does after work before it sleeps: a few spins, then a few
 * yields, each followed by another look for work (work that follows closely is found without a
 * sleep and a wake-up). Its thread only.
 */
final class BackOff {
  private final int spins;
  private final int yields;
  private int count;

  BackOff(int spins, int yields) {
    this.spins = spins;
    this.yields = yields;
  }

  /** Spins or yields once; false once both are spent (then the thread sleeps). */
  // A yield, as in Aeron's back-off: another thread of the member, which may be about to hand this
  // one work, runs first on a busy core.
  @SuppressWarnings("ThreadPriorityCheck")
  boolean step() {
    if (count < spins) {
      count++;
      Thread.onSpinWait();
      return true;
    }
    if (count < spins + yields) {
      count++;
      Thread.yield();
      return true;
    }
    return false;
  }

  /** Work was found: spin and yield again before the next sleep. */
  void reset() {
    count = 0;
  }
}
