package io.ringchat.broker.cluster;

import io.aeron.archive.client.ArchiveException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.NanoClock;

/**
 * The consensus module's error handler (beside Aeron's own, which logs): notices a member that can
 * no longer elect because it cannot replay its own log, and says so once.
 *
 * <p>Why: in Aeron 1.51 a leader takes a member's canvass position as that member's place in the
 * log whatever term it is from ({@code ConsensusModuleAgent.onCanvassPosition}, {@code
 * Election.onCanvassPosition}), and counts it towards the commit position. An old leader that comes
 * back from a partition canvasses with the end of its own log, which the room never agreed to (its
 * own broker's messages, taken while it was cut off). The new leader can then commit up to that
 * position in its own log, which may lie inside a message. At the next election it replays its log
 * from its commit position, and its archive refuses: the position "does not point to a valid
 * frame". The election starts again, the member still has the longest log and wins again, and fails
 * again: the room stood for 85 s in a fault-schedule run (seed 955119261) until that member was
 * killed. A member restarted recovers from its last snapshot and replays from there, frame by
 * frame, and elects normally (docs/CLUSTER.md).
 *
 * <p>The consensus module's thread (and its client's); {@code onStuck} runs there, once.
 */
final class StuckReplayDetector implements ErrorHandler {
  /** Refused replays, within {@link #WINDOW_NS}, that make a member stuck. */
  static final int REFUSALS = 3;

  /**
   * An election that failed starts again within about a second (0.3 to 0.9 s apart in that run):
   * three refusals within 10 s are that loop, not a replay the archive refused once for a reason
   * that passes.
   */
  static final long WINDOW_NS = TimeUnit.SECONDS.toNanos(10);

  /** What the archive says of a replay that would start inside a message. */
  static final String NOT_A_FRAME = "does not point to a valid frame";

  private final NanoClock clock;
  private final Consumer<String> onStuck;
  private final long[] refusedAt = new long[REFUSALS];
  private long refusals;
  private boolean stuck;

  /**
   * @param onStuck told, once, what the archive said, when the member is found stuck; it must not
   *     wait (it runs on the consensus module's thread)
   */
  StuckReplayDetector(NanoClock clock, Consumer<String> onStuck) {
    this.clock = clock;
    this.onStuck = onStuck;
  }

  @Override
  public synchronized void onError(Throwable error) {
    if (stuck || !isOwnLogReplayRefused(error)) {
      return;
    }
    long now = clock.nanoTime();
    refusedAt[(int) (refusals++ % REFUSALS)] = now;
    // Once full, the slot written next holds the oldest of the last REFUSALS refusals.
    if (refusals >= REFUSALS && now - refusedAt[(int) (refusals % REFUSALS)] <= WINDOW_NS) {
      stuck = true;
      onStuck.accept(String.valueOf(error.getMessage()));
    }
  }

  /**
   * Whether {@code error} is the archive refusing the replay of this member's own log that an
   * election starts ({@code LogReplay}, for a leader's or a follower's replay) because its start is
   * not where a message begins.
   */
  static boolean isOwnLogReplayRefused(Throwable error) {
    if (!(error instanceof ArchiveException)
        || error.getMessage() == null
        || !error.getMessage().contains(NOT_A_FRAME)) {
      return false;
    }
    for (StackTraceElement frame : error.getStackTrace()) {
      if (frame.getClassName().equals("io.aeron.cluster.LogReplay")) {
        return true;
      }
    }
    return false;
  }
}
