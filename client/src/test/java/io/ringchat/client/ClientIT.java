package io.ringchat.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringchat.broker.Broker;
import io.ringchat.broker.BrokerConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The client jar as a user runs it, against a real broker on 127.0.0.1.
 *
 * <p>Its tests run two at a time as well: each has a broker, a directory and client processes of
 * its own, and spends its time waiting for JVMs to start and lines to arrive.
 */
@Execution(ExecutionMode.CONCURRENT)
class ClientIT {

  @TempDir Path dir;
  private Broker broker;
  private ClientJarProcesses clients;

  @BeforeEach
  void startBroker() throws InterruptedException {
    broker = Broker.start(BrokerConfig.parse("--bind=127.0.0.1", "--port=0", "--no-http"));
    clients = new ClientJarProcesses(dir);
  }

  @AfterEach
  void stopEverything() throws InterruptedException {
    clients.stopAll();
    broker.stop();
  }

  private Process client(Map<String, String> env, String... args) throws IOException {
    return clients.start("client" + clients.count(), env, args);
  }

  private String port() {
    return "" + broker.address().getPort();
  }

  private String out(int client) throws IOException {
    return clients.out("client" + client);
  }

  private String err(int client) throws IOException {
    return clients.err("client" + client);
  }

  private static void type(Process p, String line) throws IOException {
    OutputStream in = p.getOutputStream();
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  @Test
  void shouldLetTwoPipedClientsChatBothWaysAndLeaveCleanly() throws Exception {
    Process alice = client(Map.of(), "-p", port(), "-u", "alice");
    await().atMost(Duration.ofSeconds(20)).until(() -> broker.counters().members() == 1);
    Files.writeString(dir.resolve(".env"), "CHAT_USERNAME=bob\nCHAT_PORT=" + port() + "\n");
    Process bob = client(Map.of());
    await().atMost(Duration.ofSeconds(20)).until(() -> out(0).contains("* bob joined"));

    type(alice, "send hi bob");
    await().atMost(Duration.ofSeconds(10)).until(() -> out(1).contains("alice: hi bob"));
    type(bob, "send hi alice");
    await().atMost(Duration.ofSeconds(10)).until(() -> out(0).contains("bob: hi alice"));
    type(bob, "who");
    await().atMost(Duration.ofSeconds(10)).until(() -> out(1).contains("members (2): "));

    type(bob, "leave");
    assertThat(bob.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(bob.exitValue()).isZero();
    alice.getOutputStream().close(); // end of input: leaves like "leave"
    assertThat(alice.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(alice.exitValue()).isZero();
    assertThat(out(0)).contains("* bob left").doesNotContain("alice: hi bob");
  }

  @Test
  void shouldDeliverOneShotSendToAnotherMemberAndExitZero() throws Exception {
    Process listener = client(Map.of("CHAT_PORT", port(), "CHAT_USERNAME", "listener"));
    await().atMost(Duration.ofSeconds(20)).until(() -> broker.counters().members() == 1);

    Process sender =
        client(Map.of(), "-H", "127.0.0.1", "-p", port(), "-u", "s", "--send", "one shot");

    assertThat(sender.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(sender.exitValue()).isZero();
    await().atMost(Duration.ofSeconds(10)).until(() -> out(0).contains("s: one shot"));
    listener.getOutputStream().close();
  }

  @Test
  void shouldTryTheBrokersOfAListInOrder() throws Exception {
    int closed;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      closed = free.getLocalPort(); // nothing listens there once closed
    }
    Process listener = client(Map.of("CHAT_PORT", port(), "CHAT_USERNAME", "listener"));
    await().atMost(Duration.ofSeconds(20)).until(() -> broker.counters().members() == 1);

    Process sender =
        client(
            Map.of("CHAT_HOST", "127.0.0.1:" + closed + ",127.0.0.1:" + port()),
            "-u",
            "s",
            "--send",
            "via the second");

    assertThat(sender.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(sender.exitValue()).as(err(1)).isZero();
    await().atMost(Duration.ofSeconds(10)).until(() -> out(0).contains("s: via the second"));
    listener.getOutputStream().close();

    Process nowhere = client(Map.of(), "-H", "127.0.0.1:" + closed, "-u", "x", "--send", "lost");
    assertThat(nowhere.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(nowhere.exitValue()).isEqualTo(1);
    assertThat(err(2).strip())
        .isEqualTo(
            "ringchat-client: cannot connect to 127.0.0.1:" + closed + ": connection refused");
  }

  @Test
  void shouldExitTwoWithTheReasonWhenTheNameIsTaken() throws Exception {
    client(Map.of(), "-p", port(), "-u", "taken");
    await().atMost(Duration.ofSeconds(20)).until(() -> broker.counters().members() == 1);

    Process second = client(Map.of(), "-p", port(), "-u", "TAKEN", "--send", "x");

    assertThat(second.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(second.exitValue()).isEqualTo(2);
    assertThat(err(1)).contains("cannot join as TAKEN: name_taken");
  }

  @Test
  void shouldSayInOneLineThatTheConnectionIsRefusedAndExitOne() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0)) {
      closedPort = probe.getLocalPort();
    }
    Process p =
        client(Map.of(), "-H", "127.0.0.1", "-p", "" + closedPort, "-u", "x", "--send", "hi");

    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(1);
    assertThat(err(0).strip())
        .isEqualTo(
            "ringchat-client: cannot connect to 127.0.0.1:" + closedPort + ": connection refused");
  }

  @Test
  void shouldSayConnectionLostInTheSameLineWhenTheBrokerClosesBeforeTheWelcome() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Thread closer =
          new Thread(
              () -> {
                try (java.net.Socket s = silent.accept()) {
                  // read the JOIN line, then close without an answer
                  new java.io.BufferedReader(
                          new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                      .readLine();
                } catch (IOException e) {
                  // the client's exit below says what went wrong
                }
              });
      closer.start();
      Process p = client(Map.of(), "-H", "127.0.0.1", "-p", "" + silent.getLocalPort(), "-u", "x");

      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      closer.join(10_000);
      assertThat(p.exitValue()).isEqualTo(1);
      assertThat(err(0).strip().lines()).as("one line").hasSize(1);
      assertThat(err(0).strip()).startsWith("connection lost: ");
    }
  }

  @Test
  void shouldExitTwoWithoutAUsernameWhenNotInteractive() throws Exception {
    Process p = client(Map.of(), "-p", port());

    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(err(0)).contains("no username").doesNotContain("Exception");
  }

  @Test
  void shouldExitOneWithAClearLineWhenTheBrokerShutsDown() throws Exception {
    Process p = client(Map.of(), "-p", port(), "-u", "stayer");
    await().atMost(Duration.ofSeconds(20)).until(() -> broker.counters().members() == 1);

    broker.stop();

    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(1);
    assertThat(out(0)).doesNotContain("shutting_down");
    assertThat(err(0).strip())
        .as("one line")
        .isEqualTo("connection lost: the broker is stopping (shutting_down)");
  }

  @Test
  void shouldSayOnceOnStderrThatTheBrokerRefusedAOneShotMessage() throws Exception {
    Process p = client(Map.of(), "-p", port(), "-u", "oneshot", "--send", "bell\u0007");

    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(1);
    assertThat(out(0)).isEmpty();
    assertThat(err(0).lines())
        .singleElement()
        .asString()
        .startsWith("ringchat-client: the broker refused the message: bad_text (");
  }

  @Test
  void shouldSendTheLongestMessageTheLimitAllowsAndRefuseOneByteMoreBeforeSending()
      throws Exception {
    Process fits = client(Map.of(), "-p", port(), "-u", "fits", "--send", "x".repeat(4091));
    Process over = client(Map.of(), "-p", port(), "-u", "over", "--send", "x".repeat(4092));

    assertThat(fits.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(fits.exitValue()).as(err(0)).isZero();
    assertThat(over.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(over.exitValue()).isEqualTo(2);
    assertThat(err(1).strip())
        .isEqualTo(
            "ringchat-client: not sent: the message is 4092 bytes; the limit is 4091 bytes"
                + " (UTF-8)");
  }

  @Test
  void shouldSayWhereATakenNameCameFromWhenItIsTheEnvFiles() throws Exception {
    Files.writeString(dir.resolve(".env"), "CHAT_USERNAME=bob\nCHAT_PORT=" + port() + "\n");
    client(Map.of());
    await().atMost(Duration.ofSeconds(20)).until(() -> broker.counters().members() == 1);

    Process second = client(Map.of());

    assertThat(second.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(second.exitValue()).isEqualTo(2);
    assertThat(err(1).strip())
        .isEqualTo(
            "ringchat-client: name 'bob' from ./.env is taken; pass --username NAME for another");
  }

  @Test
  void shouldPrintHostileTextEscaped() throws Exception {
    Process p = client(Map.of(), "-p", port(), "-u", "reader");
    await().atMost(Duration.ofSeconds(20)).until(() -> broker.counters().members() == 1);
    Process sender = client(Map.of(), "-p", port(), "-u", "evil", "--send", "x\u202Eyz\u2066 ok");
    assertThat(sender.waitFor(20, TimeUnit.SECONDS)).isTrue();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> out(0).contains("evil: x\\u202eyz\\u2066 ok"));
    assertThat(out(0)).doesNotContain("\u202E");
    p.getOutputStream().close();
  }
}
