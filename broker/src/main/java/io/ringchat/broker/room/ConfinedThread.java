package io.ringchat.broker.room;

/**
 * The one thread allowed to call an object, checked by {@code assert} (tests run with {@code -ea};
 * production pays nothing). The first caller becomes the owner: the room is built on one thread
 * (main, a test) and then run on another (the ring's consumer), which is the one that matters.
 *
 * <p>Plain fields are enough: once owned, only the owner writes or reads {@link #owner}; a second
 * thread racing for the first call is exactly the bug this reports, and it fails at least one
 * caller's check.
 */
public final class ConfinedThread {
  private final String what;
  private Thread owner;

  /**
   * @param what the object, named in the failure message
   */
  public ConfinedThread(String what) {
    this.what = what;
  }

  /** Whether the caller is the owner (becoming it if there is none yet). For {@code assert}. */
  public boolean check() {
    Thread current = Thread.currentThread();
    if (owner == null) {
      owner = current;
    }
    if (owner != current) {
      throw new AssertionError(
          what + " called on " + current.getName() + ", owned by " + owner.getName());
    }
    return true;
  }
}
