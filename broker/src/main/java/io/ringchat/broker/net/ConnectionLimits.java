package io.ringchat.broker.net;

/**
 * The limits every connection of every listener lives under (the broker's options of the same
 * names).
 *
 * @param maxClients connections open at once, across all listeners
 * @param maxLineBytes longest client line, LF excluded
 * @param joinTimeoutNanos time a connection has to join
 * @param maxLinesPerSecond lines per second one connection may send; 0 for no limit
 * @param perAddress what the connections from one address may do together
 * @param positionedJoins whether {@code JOIN} takes {@code HISTORY} and {@code SINCE} (protocol
 *     version 1.1); when false such a JOIN is {@code bad_name}, as version 1 answers it (tests of
 *     clients that meet such a broker)
 */
public record ConnectionLimits(
    int maxClients,
    int maxLineBytes,
    long joinTimeoutNanos,
    int maxLinesPerSecond,
    AddressLimits perAddress,
    boolean positionedJoins) {

  /** As above, with positioned joins understood. */
  public ConnectionLimits(
      int maxClients,
      int maxLineBytes,
      long joinTimeoutNanos,
      int maxLinesPerSecond,
      AddressLimits perAddress) {
    this(maxClients, maxLineBytes, joinTimeoutNanos, maxLinesPerSecond, perAddress, true);
  }
}
