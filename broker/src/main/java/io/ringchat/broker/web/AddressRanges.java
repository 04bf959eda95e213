package io.ringchat.broker.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A list of address ranges in CIDR notation ({@code 127.0.0.0/8,::1/128,10.1.2.3}), as {@code
 * --metrics-allow} takes them: who may read {@code /metrics}. An address without a prefix length is
 * a range of one. IPv4 addresses mapped into IPv6 ({@code ::ffff:a.b.c.d}) match IPv4 ranges, so a
 * broker bound to {@code ::} judges IPv4 peers the same way.
 *
 * <p>Immutable: read by any I/O thread.
 */
public final class AddressRanges {
  private final List<Range> ranges;

  private AddressRanges(List<Range> ranges) {
    this.ranges = List.copyOf(ranges);
  }

  /**
   * Parses a comma-separated list; throws {@link IllegalArgumentException} with a one-line message
   * naming the entry that is not a range. Only literal addresses: no names are looked up.
   */
  public static AddressRanges parse(String list) {
    List<Range> ranges = new ArrayList<>();
    for (String entry : list.split(",", -1)) {
      String cidr = entry.trim();
      if (cidr.isEmpty()) {
        continue;
      }
      ranges.add(Range.parse(cidr));
    }
    return new AddressRanges(ranges);
  }

  /** Whether {@code address} lies in one of the ranges. */
  public boolean contains(InetAddress address) {
    byte[] bytes = unmapped(address.getAddress());
    for (Range range : ranges) {
      if (range.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  /** An IPv4-mapped IPv6 address as its four IPv4 bytes; any other address as it is. */
  private static byte[] unmapped(byte[] bytes) {
    if (bytes.length != 16) {
      return bytes;
    }
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return bytes;
      }
    }
    if (bytes[10] != (byte) 0xff || bytes[11] != (byte) 0xff) {
      return bytes;
    }
    return new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]};
  }

  /** One range: the network's bytes and how many leading bits of an address must match them. */
  private static final class Range {
    private final byte[] network;
    private final int prefix;

    private Range(byte[] network, int prefix) {
      this.network = network;
      this.prefix = prefix;
    }

    static Range parse(String cidr) {
      int slash = cidr.indexOf('/');
      String host = slash < 0 ? cidr : cidr.substring(0, slash);
      if (!isLiteral(host)) {
        throw bad(cidr);
      }
      byte[] network;
      try {
        network = unmapped(InetAddress.getByName(host).getAddress());
      } catch (UnknownHostException e) {
        throw bad(cidr);
      }
      int bits = network.length * 8;
      int prefix = bits;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
          throw bad(cidr);
        }
        if (prefix < 0 || prefix > bits) {
          throw bad(cidr);
        }
      }
      return new Range(network, prefix);
    }

    /** Digits, dots, hex and colons only: a literal address, never a name to resolve. */
    private static boolean isLiteral(String host) {
      if (host.isEmpty()) {
        return false;
      }
      for (char c : host.toLowerCase(Locale.ROOT).toCharArray()) {
        boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '.' || c == ':';
        if (!ok) {
          return false;
        }
      }
      return host.indexOf('.') >= 0 || host.indexOf(':') >= 0;
    }

    private static IllegalArgumentException bad(String cidr) {
      return new IllegalArgumentException(
          "--metrics-allow takes addresses or CIDR ranges (e.g. 127.0.0.0/8,::1/128), got '"
              + cidr
              + "'");
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }
}
