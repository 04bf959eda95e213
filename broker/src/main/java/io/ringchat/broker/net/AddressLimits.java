package io.ringchat.broker.net;

/**
 * The limits on what the connections from one address may do together (the broker's options of the
 * same names; 0 turns each off).
 *
 * @param maxClientsPerAddress connections open at once from one address
 * @param bytesPerSecond bytes of lines per second from one address, all its connections together
 * @param joinsPerSecond joins per second from one address
 */
public record AddressLimits(int maxClientsPerAddress, long bytesPerSecond, long joinsPerSecond) {
  /** No per-address limit at all: connections skip the address budgets entirely. */
  public static final AddressLimits OFF = new AddressLimits(0, 0, 0);

  boolean isOff() {
    return maxClientsPerAddress == 0 && bytesPerSecond == 0 && joinsPerSecond == 0;
  }
}
