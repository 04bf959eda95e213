package io.ringchat.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Usage mistakes the client catches before it connects: exit 2. */
class ClientMainTest {
  @Test
  void shouldRefuseANegativeScrollbackAsAUsageMistake() {
    assertThat(ClientMain.commandLine().execute("--scrollback", "-1", "-u", "x", "-p", "1"))
        .isEqualTo(2);
  }
}
