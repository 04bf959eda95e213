package io.ringchat.broker.net;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the connections from one address share: how many are open (for {@code
 * --max-clients-per-address}), the pace of the bytes they send ({@code --max-address-rate}) and the
 * pace of their joins ({@code --max-joins-per-address}). Kept by {@link AddressBudgets} while the
 * address has a connection or still owes something, so that closing and reconnecting does not start
 * a fresh budget.
 *
 * <p>Any I/O thread: the count and both paces are atomic.
 */
final class AddressBudget {
  /** The budget of connections that are not limited by address (every limit off, or no IP). */
  static final AddressBudget UNLIMITED = new AddressBudget(null, null, null);

  /** The address (for IPv6, its /64), or null for {@link #UNLIMITED}. */
  final InetAddress key;

  /** Open connections; -1 once retired from the registry, after which it is never used again. */
  final AtomicInteger connections = new AtomicInteger();

  /** The bytes of lines from this address, or null when {@code --max-address-rate} is 0. */
  private final Pace bytes;

  /** The joins from this address, or null when {@code --max-joins-per-address} is 0. */
  private final Pace joins;

  AddressBudget(InetAddress key, Pace bytes, Pace joins) {
    this.key = key;
    this.bytes = bytes;
    this.joins = joins;
  }

  /** Whether any per-address rate is on: if not, its connections need not ask. */
  boolean paces() {
    return bytes != null || joins != null;
  }

  /** Spends a line of {@code bytes} (LF included). */
  void spendLine(int bytes, long nowNanos) {
    if (this.bytes != null) {
      this.bytes.spend(bytes, nowNanos);
    }
  }

  /** Spends one join. */
  void spendJoin(long nowNanos) {
    if (joins != null) {
      joins.spend(1, nowNanos);
    }
  }

  /** How long until the address's bytes are back within their burst (0: they are). */
  long bytesOverFor(long nowNanos) {
    return bytes == null ? 0 : bytes.nanosUntilClear(nowNanos);
  }

  /** How long until the address's joins are back within their burst (0: they are). */
  long joinsOverFor(long nowNanos) {
    return joins == null ? 0 : joins.nanosUntilClear(nowNanos);
  }

  /** How long until this address owes nothing, so that forgetting it gives nothing away. */
  long nanosUntilPaidOff(long nowNanos) {
    long bytesOwed = bytes == null ? 0 : bytes.nanosUntilPaidOff(nowNanos);
    long joinsOwed = joins == null ? 0 : joins.nanosUntilPaidOff(nowNanos);
    return Math.max(bytesOwed, joinsOwed);
  }
}
