package io.ringchat.broker.cluster;

import org.agrona.DirectBuffer;

/**
 * One attempt to hand a message to the other side (a cluster session's ingress, a broker's egress):
 * true when taken, false when it cannot be now (back pressure, not connected). Never waits. Tests
 * pass a function that records what it is given.
 */
@FunctionalInterface
interface Offer {
  boolean offer(DirectBuffer buffer, int offset, int length);
}
