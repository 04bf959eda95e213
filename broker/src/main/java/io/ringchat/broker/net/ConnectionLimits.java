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
 */
public record ConnectionLimits(
    int maxClients,
    int maxLineBytes,
    long joinTimeoutNanos,
    int maxLinesPerSecond,
    AddressLimits perAddress) {}
