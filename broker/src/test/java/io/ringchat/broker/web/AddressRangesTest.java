package io.ringchat.broker.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressRangesTest {

  @Test
  void shouldMatchAddressesInsideTheirRanges() throws Exception {
    AddressRanges ranges = AddressRanges.parse("127.0.0.0/8,::1/128,10.1.2.3,192.168.0.0/20");
    assertThat(ranges.contains(ip("127.4.5.6"))).isTrue();
    assertThat(ranges.contains(ip("::1"))).isTrue();
    assertThat(ranges.contains(ip("10.1.2.3"))).isTrue();
    assertThat(ranges.contains(ip("10.1.2.4"))).isFalse();
    assertThat(ranges.contains(ip("192.168.15.255"))).isTrue();
    assertThat(ranges.contains(ip("192.168.16.0"))).isFalse();
    assertThat(ranges.contains(ip("::2"))).isFalse();
    assertThat(ranges.contains(InetAddress.getByAddress(mapped(127, 0, 0, 1))))
        .as("IPv4-mapped IPv6 matches the IPv4 range")
        .isTrue();
    assertThat(AddressRanges.parse("").contains(ip("127.0.0.1"))).isFalse();
    assertThat(AddressRanges.parse("0.0.0.0/0").contains(ip("8.8.8.8"))).isTrue();
  }

  /** A literal address (nothing is looked up). */
  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getAllByName(literal)[0];
  }

  private static byte[] mapped(int a, int b, int c, int d) {
    byte[] bytes = new byte[16];
    bytes[10] = (byte) 0xff;
    bytes[11] = (byte) 0xff;
    bytes[12] = (byte) a;
    bytes[13] = (byte) b;
    bytes[14] = (byte) c;
    bytes[15] = (byte) d;
    return bytes;
  }

  @Test
  void shouldRefuseNamesAndBadPrefixesInOneLine() {
    for (String bad : new String[] {"localhost", "10.0.0.0/33", "10.0.0.0/x", "::1/129", "/8"}) {
      assertThatThrownBy(() -> AddressRanges.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("--metrics-allow takes addresses or CIDR ranges")
          .hasMessageContaining("'" + bad + "'");
    }
  }
}
