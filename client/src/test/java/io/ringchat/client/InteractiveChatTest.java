package io.ringchat.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.ExternalTerminal;
import org.junit.jupiter.api.Test;

/** The prompt on a real (pseudo) terminal implementation: JLine's external terminal. */
class InteractiveChatTest {

  @Test
  void shouldKeepHalfTypedLineIntactWhenAMessageArrives() throws Exception {
    PipedOutputStream keys = new PipedOutputStream();
    PipedInputStream keyboard = new PipedInputStream(keys);
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    Terminal terminal =
        new ExternalTerminal("test", "xterm", keyboard, screen, StandardCharsets.UTF_8);
    terminal.setSize(new Size(80, 24));
    try (InteractiveChat chat = new InteractiveChat(terminal)) {
      CompletableFuture<String> typed =
          CompletableFuture.supplyAsync(() -> chat.reader().readLine("alice> "));
      type(keys, "send hel");
      awaitScreen(screen, "send hel");

      chat.screen().show("bob: hi \\x1b[31m");
      awaitScreen(screen, "bob: hi");
      type(keys, "lo\r");

      assertThat(typed.get(10, TimeUnit.SECONDS)).isEqualTo("send hello");
      String shown = screen.toString(StandardCharsets.UTF_8);
      assertThat(shown.lastIndexOf("bob: hi")).isLessThan(shown.lastIndexOf("send hel"));
      assertThat(UserCommand.parse(typed.get()).text()).isEqualTo("hello");
    }
  }

  private static void type(PipedOutputStream keys, String text) throws IOException {
    keys.write(text.getBytes(StandardCharsets.UTF_8));
    keys.flush();
  }

  /** Waits (bounded) for the terminal to have drawn {@code text}. */
  private static void awaitScreen(ByteArrayOutputStream screen, String text) {
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> screen.toString(StandardCharsets.UTF_8).contains(text));
  }
}
