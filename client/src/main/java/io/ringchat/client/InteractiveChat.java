package io.ringchat.client;

import io.ringchat.protocol.ServerFrame;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * Chat at a terminal: a JLine prompt ({@code alice> }) with line editing and history; incoming
 * lines are printed above the prompt without disturbing what is being typed. Ctrl-D and Ctrl-C
 * leave like {@code leave}. Runs on the main thread; incoming lines arrive from the connection's
 * event loop through {@link LineReader#printAbove}, which JLine makes safe to call from there.
 */
final class InteractiveChat implements AutoCloseable {
  private final Terminal terminal;
  private final LineReader reader;
  private final Screen screen;

  InteractiveChat(Terminal terminal) {
    this.terminal = terminal;
    this.reader = LineReaderBuilder.builder().terminal(terminal).appName("ringchat").build();
    this.screen =
        new Screen() {
          @Override
          public void show(String line) {
            reader.printAbove(line);
          }

          @Override
          public void note(String line) {
            reader.printAbove(line);
          }
        };
  }

  /**
   * A chat on the process's terminal, or null when standard input or output is not a terminal
   * (piped, CI): JLine then falls back to a "dumb" terminal, which is the sign to read plainly.
   */
  static InteractiveChat onSystemTerminalIfAny() throws IOException {
    Terminal terminal = TerminalBuilder.builder().system(true).dumb(true).build();
    if (terminal.getType().startsWith(Terminal.TYPE_DUMB)) {
      terminal.close();
      return null;
    }
    return new InteractiveChat(terminal);
  }

  LineReader reader() {
    return reader;
  }

  Screen screen() {
    return screen;
  }

  /** Connects, joins (asking for a name as needed), chats; returns the exit code. */
  int run(ClientConfig config) throws InterruptedException {
    ChatSession session = new ChatSession(screen);
    ChatConnection connection;
    try {
      connection = ClientMain.connect(config, session);
    } catch (IOException e) {
      terminal.writer().println("ringchat-client: " + e.getMessage());
      terminal.flush();
      return 1;
    }
    try (connection) {
      String name = join(session, config.username());
      if (name == null) {
        return session.lost().isDone() ? 1 : 0;
      }
      session.onLost(reason -> Exit.now(screen, "connection lost: " + reason, 1));
      return chat(session, name + "> ");
    }
  }

  /** Joins, asking again after a refused name. Returns the name, or null if the user gave up. */
  private String join(ChatSession session, String initial) throws InterruptedException {
    String name = initial;
    while (true) {
      if (name == null || name.isBlank()) {
        name = ask("name: ");
        if (name == null) {
          return null;
        }
        name = name.strip();
        if (name.isEmpty()) {
          continue;
        }
      }
      try {
        ServerFrame reply = session.join(name);
        if (reply.type() == ServerFrame.Type.WELCOME) {
          screen.note(
              "joined as "
                  + TerminalSafe.escape(reply.name())
                  + "; "
                  + reply.count()
                  + " in the room. Type help for commands.");
          return reply.name();
        }
        screen.note(
            "cannot join as " + TerminalSafe.escape(name) + ": " + ClientMain.describe(reply));
        name = null;
      } catch (TimeoutException e) {
        screen.note("the broker did not answer the JOIN");
        return null;
      } catch (ExecutionException e) {
        screen.note("connection lost: " + e.getCause().getMessage());
        return null;
      }
    }
  }

  /** The read-eval loop of the chat. */
  int chat(ChatSession session, String prompt) throws InterruptedException {
    while (true) {
      String line;
      try {
        line = reader.readLine(prompt);
      } catch (UserInterruptException | EndOfFileException e) {
        session.leave();
        return 0;
      }
      if (session.perform(UserCommand.parse(line))) {
        session.leave();
        return 0;
      }
    }
  }

  private String ask(String prompt) {
    try {
      return reader.readLine(prompt);
    } catch (UserInterruptException | EndOfFileException e) {
      return null;
    }
  }

  @Override
  public void close() throws IOException {
    terminal.close();
  }
}
