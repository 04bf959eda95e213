package io.ringchat.broker.cluster;

import org.agrona.concurrent.NanoClock;

/**
 * A request of a broker to the room that is sent at the next chance and again every so often until
 * it is answered (a resync, a part of the history): the message or its answer may be lost with a
 * leader, and nothing else would ask again.
 *
 * <p>The link's thread only.
 */
final class RetriedRequest {
  private final NanoClock clock;
  private final long retryNs;
  private boolean wanted;
  private long sentNs;

  RetriedRequest(NanoClock clock, long retryNs) {
    this.clock = clock;
    this.retryNs = retryNs;
  }

  /** It is wanted: sent at the next chance. */
  void askNow() {
    wanted = true;
    sentNs = clock.nanoTime() - retryNs;
  }

  /** Answered (or no longer wanted): not sent again. */
  void done() {
    wanted = false;
  }

  /** Whether it is wanted and was not sent within the retry period: send it now. */
  boolean due() {
    return wanted && clock.nanoTime() - sentNs >= retryNs;
  }

  /**
   * It is being sent: the next try is a retry period from now. Called before the send, since an
   * answer may come back within it (in tests) and ask for the next at once; a send that did not go
   * is followed by {@link #askNow}.
   */
  void sending() {
    sentNs = clock.nanoTime();
  }
}
