package io.ringchat.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BrokerAddressTest {

  @Test
  void shouldReadAListOfHostsWithAndWithoutPorts() {
    assertThat(BrokerAddress.parseList("a, b:7879 ,[::1]:9,[fe80::1],10.0.0.1", 7878, "--host"))
        .containsExactly(
            new BrokerAddress("a", 7878),
            new BrokerAddress("b", 7879),
            new BrokerAddress("::1", 9),
            new BrokerAddress("fe80::1", 7878),
            new BrokerAddress("10.0.0.1", 7878));
    assertThat(BrokerAddress.parseList("::1", 7878, "--host"))
        .as("a bare IPv6 address is a host")
        .containsExactly(new BrokerAddress("::1", 7878));
    assertThat(new BrokerAddress("::1", 9)).hasToString("[::1]:9");
  }

  @Test
  void shouldRefuseBadEntriesInOneLineNamingWhereTheyCameFrom() {
    assertThatThrownBy(() -> BrokerAddress.parseList("a,b:x", 7878, "CHAT_HOST"))
        .hasMessage("CHAT_HOST: 'b:x' is not host or host:port (port 1 to 65535)");
    assertThatThrownBy(() -> BrokerAddress.parseList("a,,b", 7878, "--host"))
        .hasMessage("--host has an empty entry: 'a,,b'");
    assertThatThrownBy(() -> BrokerAddress.parseList("a:0", 7878, "--host"))
        .hasMessageContaining("'a:0'");
  }
}
