package io.ringchat.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringchat.broker.Broker;
import io.ringchat.broker.BrokerConfig;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.ExternalTerminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The interactive client on JLine's external terminal (keys in, screen bytes out) against a real
 * broker: plain lines are messages, your own appear marked as yours, and a broker that stops ends
 * the chat with one line where the prompt was.
 */
class InteractiveChatIT {
  private final PipedOutputStream keys = new PipedOutputStream();
  private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
  private Broker broker;

  @AfterEach
  void stop() throws InterruptedException {
    if (broker != null) {
      broker.stop();
    }
  }

  @Test
  void shouldSendPlainLinesShowThemAsYoursAndEndInOneLineWhenTheBrokerStops() throws Exception {
    // A broker with a smaller line limit than the client knows: it refuses in one line.
    broker =
        Broker.start(
            BrokerConfig.parse("--bind=127.0.0.1", "--port=0", "--no-http", "--max-line=64"));
    int port = broker.address().getPort();
    try (InteractiveChat chat = new InteractiveChat(terminal());
        Socket bob = new Socket(InetAddress.getLoopbackAddress(), port)) {
      CompletableFuture<String> lost = new CompletableFuture<>();
      chat.onLost(
          line -> {
            chat.screen().last(line);
            lost.complete(line);
          });
      CompletableFuture<Void> chatting =
          CompletableFuture.runAsync(
              () -> {
                try {
                  chat.run(new ClientConfig("127.0.0.1", port, "alice", "--username"), false);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      awaitScreen("joined as alice");
      BufferedReader bobIn =
          new BufferedReader(new InputStreamReader(bob.getInputStream(), StandardCharsets.UTF_8));
      OutputStream bobOut = bob.getOutputStream();
      bobOut.write("JOIN bob\n".getBytes(StandardCharsets.UTF_8));
      assertThat(bobIn.readLine()).startsWith("WELCOME bob");

      type("hello bob\r");
      type("who is here?\r");
      type("/send /who is a message too\r");

      assertThat(bobIn.readLine()).isEqualTo("MSG alice hello bob");
      assertThat(bobIn.readLine()).isEqualTo("MSG alice who is here?");
      assertThat(bobIn.readLine()).isEqualTo("MSG alice /who is a message too");
      awaitScreen("alice (you): /who is a message too");
      assertThat(shown()).contains("alice (you): hello bob", "alice (you): who is here?");

      String tooLong = "y".repeat(80);
      type(tooLong + "\r");
      awaitScreen("! too_long: line longer than 64 bytes");
      assertThat(shown().indexOf("alice (you): " + tooLong))
          .as("the refusal follows the message it refuses")
          .isPositive()
          .isLessThan(shown().indexOf("! too_long"));

      broker.stop();

      assertThat(lost.get(20, TimeUnit.SECONDS))
          .isEqualTo("connection lost: the broker is stopping (shutting_down)");
      String shown = shown();
      String tail = shown.substring(shown.lastIndexOf("connection lost"));
      assertThat(tail).as("no prompt after the last line").doesNotContain("alice>");
      assertThat(shown).doesNotContain("! shutting_down");
      assertThat(chatting).isNotCompletedExceptionally();
    }
  }

  @Test
  void shouldReconnectAndRejoinUnderTheSameNameOnceTheBrokerLetsGoOfIt() throws Exception {
    broker = Broker.start(BrokerConfig.parse("--bind=127.0.0.1", "--port=0", "--no-http"));
    int port = broker.address().getPort();
    try (InteractiveChat chat = new InteractiveChat(terminal())) {
      CompletableFuture<Integer> exit =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return chat.run(new ClientConfig("127.0.0.1", port, "alice", "--username"), true);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return -1;
                }
              });
      awaitScreen("joined as alice");

      broker.stop(); // the connection ends without BYE: the client reconnects ...
      awaitScreen("connection refused; retrying in 2 s"); // ... to nothing, at first
      broker = Broker.start(BrokerConfig.parse("--bind=127.0.0.1", "--port=" + port, "--no-http"));
      try (Socket holder = new Socket(InetAddress.getLoopbackAddress(), port)) {
        holder.getOutputStream().write("JOIN alice\n".getBytes(StandardCharsets.UTF_8));
        awaitScreen("is still held by the broker");
      } // the holder's connection closes: the name is free

      awaitScreen("reconnected as alice");
      try (Socket bob = new Socket(InetAddress.getLoopbackAddress(), port)) {
        BufferedReader bobIn =
            new BufferedReader(new InputStreamReader(bob.getInputStream(), StandardCharsets.UTF_8));
        bob.getOutputStream().write("JOIN bob\n".getBytes(StandardCharsets.UTF_8));
        assertThat(bobIn.readLine()).startsWith("WELCOME bob 2");
        type("back again\r");
        assertThat(bobIn.readLine()).isEqualTo("MSG alice back again");
      }
      assertThat(shown())
          .contains("connection lost: the broker is stopping (shutting_down); reconnecting");
      type("leave\r");
      assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void shouldGiveUpWithOneLineWhenTheNameStaysTakenPastTheRejoinWait() throws Exception {
    broker = Broker.start(BrokerConfig.parse("--bind=127.0.0.1", "--port=0", "--no-http"));
    int port = broker.address().getPort();
    try (InteractiveChat chat = new InteractiveChat(terminal())) {
      CompletableFuture<String> gaveUp = new CompletableFuture<>();
      chat.onLost(
          line -> {
            chat.screen().last(line);
            gaveUp.complete(line);
          });
      CompletableFuture<Void> chatting =
          CompletableFuture.runAsync(
              () -> {
                try {
                  chat.run(
                      new ClientConfig("127.0.0.1", port, "alice", "--username"),
                      true,
                      Duration.ofSeconds(2));
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      awaitScreen("joined as alice");
      broker.stop();
      broker = Broker.start(BrokerConfig.parse("--bind=127.0.0.1", "--port=" + port, "--no-http"));
      // Someone else takes the name while the client is away, and keeps it.
      try (Socket holder = new Socket(InetAddress.getLoopbackAddress(), port)) {
        holder.getOutputStream().write("JOIN alice\n".getBytes(StandardCharsets.UTF_8));
        assertThat(gaveUp.get(20, TimeUnit.SECONDS))
            .isEqualTo(
                "the name alice is still taken after 2 s: someone else has it now; start again"
                    + " with another --username");
        assertThat(shown()).contains("is still held by the broker").contains("retrying in 1 s");
      }
      assertThat(chatting).isNotCompletedExceptionally();
    }
  }

  @Test
  void shouldReconnectToTheNextBrokerOfTheList() throws Exception {
    broker = Broker.start(BrokerConfig.parse("--bind=127.0.0.1", "--port=0", "--no-http"));
    Broker second = Broker.start(BrokerConfig.parse("--bind=127.0.0.1", "--port=0", "--no-http"));
    String hosts =
        "127.0.0.1:" + broker.address().getPort() + ",127.0.0.1:" + second.address().getPort();
    try (InteractiveChat chat = new InteractiveChat(terminal())) {
      CompletableFuture<Integer> exit =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return chat.run(new ClientConfig(hosts, 7878, "alice", "--username"), true);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return -1;
                }
              });
      awaitScreen("joined as alice");
      assertThat(broker.counters().members()).isEqualTo(1);

      broker.stop(); // lost without BYE: on to the second broker, same name
      awaitScreen("reconnected as alice");
      assertThat(second.counters().members()).isEqualTo(1);
      type("leave\r");
      assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
    } finally {
      second.stop();
    }
  }

  /**
   * A terminal wide enough for every line: keys from {@link #keys}, output into {@link #screen}.
   */
  private Terminal terminal() throws IOException {
    Terminal terminal =
        new ExternalTerminal(
            "test", "xterm", new PipedInputStream(keys), screen, StandardCharsets.UTF_8);
    terminal.setSize(new Size(200, 24));
    return terminal;
  }

  private void type(String text) throws IOException {
    keys.write(text.getBytes(StandardCharsets.UTF_8));
    keys.flush();
  }

  private String shown() {
    return screen.toString(StandardCharsets.UTF_8);
  }

  private void awaitScreen(String text) {
    await().atMost(Duration.ofSeconds(10)).until(() -> shown().contains(text));
  }
}
