package io.ringchat.broker.cluster;

import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;

/**
 * An {@link Offer} for tests: keeps a copy of each message taken, in order, and takes nothing while
 * {@link #taking} is false (back pressure, or a session not connected).
 */
final class RecordedOffers implements Offer {
  final List<byte[]> taken = new ArrayList<>();
  boolean taking = true;

  @Override
  public boolean offer(DirectBuffer buffer, int offset, int length) {
    if (!taking) {
      return false;
    }
    byte[] copy = new byte[length];
    buffer.getBytes(offset, copy);
    taken.add(copy);
    return true;
  }

  byte[] last() {
    return taken.get(taken.size() - 1);
  }
}
