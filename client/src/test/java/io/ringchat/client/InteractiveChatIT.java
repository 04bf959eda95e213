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
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
  void shouldHoldKeysTypedAheadOfThePromptForItInsteadOfEchoingThemAmongOtherLines()
      throws Exception {
    // Keys typed while no prompt reads (here: before the client has even connected; in use:
    // between two lines entered quickly, or a paste) were echoed by the terminal's own line
    // discipline, in the middle of whatever the client was printing: CI once saw "alice (you):
    // hello " and "bob" split by two echoed lines. The chat keeps the terminal raw throughout.
    broker = Broker.start(BrokerConfig.parse("--bind=127.0.0.1", "--port=0", "--no-http"));
    int port = broker.address().getPort();
    try (Socket bob = joined(port, "bob");
        InteractiveChat chat = new InteractiveChat(terminal())) {
      String ahead = "typed ahead\r";
      type(ahead);
      // Once the terminal holds the keys for a reader, it has echoed them if it was going to.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> chat.reader().getTerminal().input().available() >= ahead.length());
      CompletableFuture<Integer> exit = chatIn(chat, port);

      BufferedReader bobIn = reader(bob);
      assertThat(bobIn.readLine()).isEqualTo("JOINED alice");
      assertThat(bobIn.readLine()).isEqualTo("MSG alice typed ahead");
      awaitScreen("alice (you): typed ahead");
      String shown = shown();
      assertThat(shown.indexOf("typed ahead"))
          .as("first shown in the prompt, after joining")
          .isGreaterThan(shown.indexOf("joined as alice"));
      type("leave\r");
      assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void shouldReconnectAndRejoinUnderTheSameNameOnceTheBrokerLetsGoOfIt() throws Exception {
    broker = Broker.start(BrokerConfig.parse("--bind=127.0.0.1", "--port=0", "--no-http"));
    int port = broker.address().getPort();
    try (InteractiveChat chat = new InteractiveChat(terminal())) {
      CompletableFuture<Integer> exit = chatIn(chat, port);
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
          .contains("connection lost: the broker is stopping (shutting_down); reconnecting")
          .contains("(the broker restarted: what was said while you were away is unknown)")
          .doesNotContain("(back:");
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

  @Test
  void shouldShowTheNewestKeptMessagesWithTheirTimeOnJoining() throws Exception {
    broker = Broker.start(BrokerConfig.parse("--bind=127.0.0.1", "--port=0", "--no-http"));
    int port = broker.address().getPort();
    try (Socket ann = joined(port, "ann")) {
      say(ann, "m1", "m2", "m3");
      try (InteractiveChat chat = new InteractiveChat(terminal())) {
        chat.scrollback(2);
        CompletableFuture<Integer> exit = chatIn(chat, port);
        awaitScreen("joined as alice");
        await().atMost(Duration.ofSeconds(10)).until(() -> shown().contains("ann: m3"));

        assertThat(shown()).containsPattern("\\[\\d\\d:\\d\\d\\] ann: m2");
        assertThat(shown()).containsPattern("\\[\\d\\d:\\d\\d\\] ann: m3");
        assertThat(shown()).doesNotContain("ann: m1").doesNotContain("(back:");
        type("leave\r");
        assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
      }
    }
  }

  @Test
  void shouldShowWhatWasMissedAfterALostConnectionAndSaySoOnce() throws Exception {
    broker = Broker.start(BrokerConfig.parse("--bind=127.0.0.1", "--port=0", "--no-http"));
    int port = broker.address().getPort();
    try (Socket ann = joined(port, "ann");
        InteractiveChat chat = new InteractiveChat(terminal())) {
      chat.scrollback(0);
      CompletableFuture<Integer> exit = chatIn(chat, port);
      awaitScreen("joined as alice");
      say(ann, "before");
      awaitScreen("ann: before");

      chat.currentSession().close(); // the connection drops without a LEAVE
      awaitScreen("reconnecting");
      say(ann, "while away 1", "while away 2"); // the client waits 1 s before reconnecting

      awaitScreen("(back: 2 messages while you were away)");
      awaitScreen("members (2): ");
      String shown = shown();
      assertThat(shown).containsPattern("\\[\\d\\d:\\d\\d\\] ann: while away 1");
      assertThat(shown.indexOf("ann: while away 2"))
          .isGreaterThan(shown.indexOf("ann: while away 1"))
          .isLessThan(shown.indexOf("(back: 2 messages"));
      assertThat(shown.split("ann: before", -1)).as("nothing twice").hasSize(2);
      type("leave\r");
      assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void shouldSayHowManyMissedMessagesAreNoLongerKept() throws Exception {
    broker =
        Broker.start(
            BrokerConfig.parse("--bind=127.0.0.1", "--port=0", "--no-http", "--history=1"));
    int port = broker.address().getPort();
    try (Socket ann = joined(port, "ann");
        InteractiveChat chat = new InteractiveChat(terminal())) {
      CompletableFuture<Integer> exit = chatIn(chat, port);
      awaitScreen("joined as alice");

      chat.currentSession().close();
      awaitScreen("reconnecting");
      say(ann, "gone 1", "gone 2", "kept 3");

      awaitScreen("(back: 1 message while you were away)");
      String shown = shown();
      assertThat(shown.indexOf("(2 messages sent while you were away are no longer kept)"))
          .isPositive()
          .isLessThan(shown.indexOf("ann: kept 3"));
      assertThat(shown).doesNotContain("ann: gone");
      type("leave\r");
      assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void shouldJoinPlainlyAndSayOnceWhenTheBrokerKeepsNoHistory() throws Exception {
    // A broker of protocol version 1: anything after the name is bad_name.
    try (java.net.ServerSocket v1 =
        new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<java.util.List<String>> heard =
          CompletableFuture.supplyAsync(
              () -> {
                java.util.List<String> lines = new java.util.ArrayList<>();
                try (Socket s = v1.accept()) {
                  BufferedReader in =
                      new BufferedReader(
                          new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                  OutputStream out = s.getOutputStream();
                  for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                    String answer =
                        line.equals("JOIN alice")
                            ? "WELCOME alice 1\n"
                            : line.startsWith("JOIN ")
                                ? "ERR bad_name names are letters, digits, _ - .\n"
                                : line.equals("LEAVE") ? "BYE\n" : "";
                    out.write(answer.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                  }
                } catch (IOException e) {
                  // the client closed
                }
                return lines;
              });
      try (InteractiveChat chat = new InteractiveChat(terminal())) {
        CompletableFuture<Integer> exit = chatIn(chat, v1.getLocalPort());
        awaitScreen("joined as alice");

        assertThat(shown().split("\\(this broker keeps no history\\)", -1)).hasSize(2);
        type("leave\r");
        assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
      }
      assertThat(heard.get(10, TimeUnit.SECONDS)).startsWith("JOIN alice HISTORY 20", "JOIN alice");
    }
  }

  @Test
  void shouldAskAgainForAReplayThatALostConnectionCutShort() throws Exception {
    // A scripted broker of protocol 1.1 whose second connection is lost between its WELCOME and
    // the replay (a cluster's broker that lost its session while its copy of the history filled).
    // The client must come back SINCE where it had got to, not the WELCOME's newest: else messages
    // 41 to 50 are lost without a word.
    try (ServerSocket scripted = new ServerSocket(0, 3, InetAddress.getLoopbackAddress())) {
      CompletableFuture<List<String>> joins =
          CompletableFuture.supplyAsync(
              () -> {
                List<String> asked = new ArrayList<>();
                try {
                  asked.add(answerJoinAndDrop(scripted, "WELCOME alice 1 e1:40\nREPLAYED 0\n"));
                  asked.add(answerJoinAndDrop(scripted, "WELCOME alice 1 e1:50\n"));
                  try (Socket s = scripted.accept()) {
                    BufferedReader in = reader(s);
                    asked.add(in.readLine());
                    StringBuilder replay = new StringBuilder("WELCOME alice 1 e1:50\n");
                    for (int seq = 41; seq <= 50; seq++) {
                      replay.append("POST ").append(seq).append(" 1764770001203 ann m");
                      replay.append(seq).append('\n');
                    }
                    write(s, replay.append("REPLAYED 10\n").toString());
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                      if (line.equals("WHO")) {
                        write(s, "MEMBER ann\nMEMBER alice\nMEMBERS 2\n");
                      } else if (line.equals("LEAVE")) {
                        write(s, "BYE\n");
                      }
                    }
                  }
                } catch (IOException e) {
                  // the client closed
                }
                return asked;
              });
      try (InteractiveChat chat = new InteractiveChat(terminal())) {
        CompletableFuture<Integer> exit = chatIn(chat, scripted.getLocalPort());

        // Two reconnections, each after 1 s: on a loaded machine more than awaitScreen allows.
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> shown().contains("(back: 10 messages while you were away)"));
        assertThat(shown()).contains("ann: m41", "ann: m50");
        awaitScreen("members (2): ");
        type("leave\r");
        assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
      }
      assertThat(joins.get(10, TimeUnit.SECONDS))
          .containsExactly(
              "JOIN alice HISTORY 20", "JOIN alice SINCE e1:40", "JOIN alice SINCE e1:40");
    }
  }

  /**
   * Accepts a connection on {@code server}, reads its JOIN, answers {@code answer}, then ends it as
   * a lost connection would (its side closed; the client's read to the end). Returns the JOIN.
   */
  private static String answerJoinAndDrop(ServerSocket server, String answer) throws IOException {
    try (Socket s = server.accept()) {
      BufferedReader in = reader(s);
      String join = in.readLine();
      write(s, answer);
      s.shutdownOutput();
      while (in.readLine() != null) {
        // until the client closes its end
      }
      return join;
    }
  }

  private static BufferedReader reader(Socket s) throws IOException {
    return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
  }

  private static void write(Socket s, String lines) throws IOException {
    s.getOutputStream().write(lines.getBytes(StandardCharsets.UTF_8));
    s.getOutputStream().flush();
  }

  /** Runs {@code chat} as alice against the broker on {@code port}, reconnecting. */
  private static CompletableFuture<Integer> chatIn(InteractiveChat chat, int port) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return chat.run(new ClientConfig("127.0.0.1", port, "alice", "--username"), true);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
          }
        });
  }

  /** A plain member joined as {@code name}, its WELCOME read. */
  private static Socket joined(int port, String name) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.getOutputStream().write(("JOIN " + name + "\n").getBytes(StandardCharsets.UTF_8));
    assertThat(reader(socket).readLine()).startsWith("WELCOME " + name);
    return socket;
  }

  /** Sends each message, then waits for the broker to have handled them (a PING answered). */
  private static void say(Socket member, String... messages) throws IOException {
    StringBuilder lines = new StringBuilder();
    for (String message : messages) {
      lines.append("SEND ").append(message).append('\n');
    }
    lines.append("PING said\n");
    member.getOutputStream().write(lines.toString().getBytes(StandardCharsets.UTF_8));
    BufferedReader in = reader(member);
    for (String line = in.readLine(); !"PONG said".equals(line); line = in.readLine()) {
      assertThat(line).as("PONG").isNotNull();
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
