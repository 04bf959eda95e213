package io.ringchat.broker.cluster;

import io.aeron.Publication;
import org.agrona.DirectBuffer;

/**
 * One attempt to hand a message to the other side (a cluster session's ingress, a broker's egress):
 * true when taken, false when it cannot be now (back pressure, not connected). Never waits. Tests
 * pass a function that records what it is given.
 */
@FunctionalInterface
interface Offer {
  boolean offer(DirectBuffer buffer, int offset, int length);

  /** Aeron's offer (a cluster session's, a cluster client's): a new position, or why not. */
  @FunctionalInterface
  interface Aeron {
    long offer(DirectBuffer buffer, int offset, int length);
  }

  /**
   * How often an offer that Aeron answered with {@link Publication#ADMIN_ACTION} is made again at
   * once. Aeron says so when the publication's term has just filled and rotated (every term length
   * of a stream): the next attempt is taken. Counted as "cannot take it now", the message waited
   * for whatever retries later: on a quiet room a broker's egress waited for the room's retry
   * timer, which fires when the sleeping consensus module next wakes, up to the idle park (100 ms)
   * late, and its members got that message about 100 ms late (docs/BENCHMARKS.md).
   */
  int ADMIN_ACTION_RETRIES = 3;

  /** {@code aeron}'s offers, each made again at once while Aeron answers that it should be. */
  static Offer retrying(Aeron aeron) {
    return (buffer, offset, length) -> taken(aeron, buffer, offset, length);
  }

  /** {@code aeron}'s offer, made again at once while Aeron answers that it should be. */
  static boolean taken(Aeron aeron, DirectBuffer buffer, int offset, int length) {
    long result = aeron.offer(buffer, offset, length);
    for (int retry = 0;
        result == Publication.ADMIN_ACTION && retry < ADMIN_ACTION_RETRIES;
        retry++) {
      result = aeron.offer(buffer, offset, length);
    }
    return result > 0;
  }
}
