package io.ringchat.broker.net;

/**
 * The id by which the room knows a connection, and what it is made of: the I/O event loop that
 * serves the connection, its slot in that loop's {@link ConnectionTable}, and the slot's
 * generation. The loop picks the write batch without a lookup; the slot finds the connection with
 * one array read; the generation makes a write queued for a connection that closed (and whose slot
 * was taken again) miss instead of reaching the newcomer. Generations start at 1, so no id is 0.
 *
 * <pre>
 * bits 63..32 generation   31..24 event loop   23..0 slot
 * </pre>
 */
final class ConnectionId {
  /** At most this many I/O event loops, and this many connections per loop. */
  static final int MAX_LOOPS = 1 << 8;

  static final int MAX_SLOTS = 1 << 24;

  private ConnectionId() {}

  static long of(int loop, int slot, int generation) {
    assert loop >= 0 && loop < MAX_LOOPS && slot >= 0 && slot < MAX_SLOTS && generation != 0;
    return ((long) generation << 32) | ((long) loop << 24) | slot;
  }

  static int loop(long id) {
    return (int) (id >>> 24) & (MAX_LOOPS - 1);
  }

  static int slot(long id) {
    return (int) id & (MAX_SLOTS - 1);
  }
}
