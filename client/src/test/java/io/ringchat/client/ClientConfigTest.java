package io.ringchat.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientConfigTest {
  @TempDir Path dir;

  private Path envFile(String content) throws IOException {
    Path file = dir.resolve(".env");
    Files.writeString(file, content);
    return file;
  }

  @Test
  void shouldUseDefaultsWhenNothingIsGiven() {
    ClientConfig config =
        ClientConfig.resolve(null, null, null, null, null, null, Map.of(), dir.resolve(".env"));

    assertThat(config).isEqualTo(new ClientConfig("localhost", 7878, null, null));
  }

  @Test
  void shouldPreferFlagOverEnvironmentOverEnvFile() throws IOException {
    Path file = envFile("CHAT_HOST=filehost\nCHAT_PORT=1111\nCHAT_USERNAME=fileuser\n");
    Map<String, String> env = Map.of("CHAT_HOST", "envhost", "CHAT_PORT", "2222");

    assertThat(ClientConfig.resolve(null, null, null, null, null, null, env, file))
        .isEqualTo(new ClientConfig("envhost", 2222, "fileuser", file.toString()));
    assertThat(ClientConfig.resolve("flaghost", 3333, "flaguser", null, null, null, env, file))
        .isEqualTo(new ClientConfig("flaghost", 3333, "flaguser", "--username"));
    assertThat(ClientConfig.resolve(null, null, null, null, null, null, Map.of(), file))
        .isEqualTo(new ClientConfig("filehost", 1111, "fileuser", file.toString()));
  }

  @Test
  void shouldRememberWhereTheUsernameCameFrom() throws IOException {
    Path file = envFile("CHAT_USERNAME=bob\n");

    ClientConfig fromFile =
        ClientConfig.resolve(null, null, null, null, null, null, Map.of(), file);
    assertThat(fromFile.usernameFrom()).isEqualTo(file.toString());
    assertThat(fromFile.usernameFromEnvFile()).isTrue();
    ClientConfig fromEnv =
        ClientConfig.resolve(
            null, null, null, null, null, null, Map.of("CHAT_USERNAME", "carol"), file);
    assertThat(fromEnv.usernameFrom()).isEqualTo("CHAT_USERNAME");
    assertThat(fromEnv.usernameFromEnvFile()).isFalse();
  }

  @Test
  void shouldTakeTheKeepaliveFromFlagEnvironmentOrEnvFile() throws IOException {
    Path file = envFile("CHAT_KEEPALIVE=5s\n");

    assertThat(ClientConfig.resolve(null, null, null, null, null, null, Map.of(), null).keepAlive())
        .isEqualTo(Duration.ofSeconds(15));
    assertThat(ClientConfig.resolve(null, null, null, null, null, null, Map.of(), file).keepAlive())
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(
            ClientConfig.resolve(
                    null, null, null, null, null, null, Map.of("CHAT_KEEPALIVE", "2m"), file)
                .keepAlive())
        .isEqualTo(Duration.ofMinutes(2));
    assertThat(
            ClientConfig.resolve(null, null, null, Duration.ZERO, null, null, Map.of(), file)
                .keepAlive())
        .isZero();
    assertThatThrownBy(
            () ->
                ClientConfig.resolve(
                    null, null, null, null, null, null, Map.of("CHAT_KEEPALIVE", "soon"), null))
        .hasMessage("CHAT_KEEPALIVE: 'soon' is not a duration; use e.g. 60s, 500ms, 2m");
  }

  @Test
  void shouldIgnoreBlankValues() throws IOException {
    Path file = envFile("CHAT_USERNAME=\n");

    assertThat(
            ClientConfig.resolve(
                null, null, null, null, null, null, Map.of("CHAT_HOST", " "), file))
        .isEqualTo(new ClientConfig("localhost", 7878, null, null));
  }

  @Test
  void shouldSayWhichSettingHoldsABadPort() throws IOException {
    assertThatThrownBy(
            () ->
                ClientConfig.resolve(
                    null, null, null, null, null, null, Map.of("CHAT_PORT", "http"), null))
        .hasMessage("CHAT_PORT is not a port number: 'http'");
    assertThatThrownBy(() -> ClientConfig.resolve(null, 0, null, null, null, null, Map.of(), null))
        .hasMessage("--port must be 1 to 65535, got 0");
    Path file = envFile("CHAT_PORT=99999\n");
    assertThatThrownBy(
            () -> ClientConfig.resolve(null, null, null, null, null, null, Map.of(), file))
        .hasMessageContaining("must be 1 to 65535");
  }

  @Test
  void shouldTakeTlsFromTheFlagTheEnvironmentOrTheEnvFileAndFromACaAlone() throws Exception {
    Path file = dir.resolve(".env");
    Files.writeString(file, "CHAT_TLS=true\n");
    assertThat(ClientConfig.resolve(null, null, null, null, null, null, Map.of(), null).tls())
        .as("plain by default")
        .isFalse();
    assertThat(ClientConfig.resolve(null, null, null, null, null, null, Map.of(), file).tls())
        .isTrue();
    assertThat(
            ClientConfig.resolve(
                    null, null, null, null, null, null, Map.of("CHAT_TLS", "false"), file)
                .tls())
        .as("the environment over the file")
        .isFalse();
    assertThat(
            ClientConfig.resolve(
                    null, null, null, null, true, null, Map.of("CHAT_TLS", "false"), file)
                .tls())
        .as("the flag over the environment")
        .isTrue();
    ClientConfig withCa =
        ClientConfig.resolve(null, null, null, null, null, "ca.pem", Map.of(), null);
    assertThat(withCa.tls()).as("a CA implies TLS").isTrue();
    assertThat(withCa.tlsCa()).isEqualTo(Path.of("ca.pem"));
    assertThatThrownBy(
            () ->
                ClientConfig.resolve(
                    null, null, null, null, null, null, Map.of("CHAT_TLS", "maybe"), null))
        .hasMessage("CHAT_TLS must be true or false, got 'maybe'");
  }
}
