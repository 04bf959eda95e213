package io.ringchat.client;

import io.ringchat.cli.DurationConverter;
import io.ringchat.protocol.JoinPosition;
import io.ringchat.protocol.ServerFrame;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.InfoCmp;

/**
 * Chat at a terminal: a JLine prompt ({@code alice> }) with line editing and history; incoming
 * lines are printed above the prompt without disturbing what is being typed. Ctrl-D and Ctrl-C
 * leave like {@code leave}. Runs on the main thread; incoming lines arrive from the connection's
 * event loop through {@link LineReader#printAbove}, which JLine makes safe to call from there.
 */
final class InteractiveChat implements AutoCloseable {
  private final Terminal terminal;

  /** The terminal's attributes before the chat made it raw: {@link #close} puts them back. */
  private final Attributes before;

  private final LineReader reader;
  private final Screen screen;

  /** The session the prompt talks to: the first one, then each one the reconnector makes. */
  private volatile ChatSession current;

  /** What happens when the connection is lost: the last line, then the process exits with 1. */
  private Consumer<String> onLost;

  /** {@code --scrollback}: kept messages shown on joining. */
  private int scrollback = DEFAULT_SCROLLBACK;

  /** Whether the client has said that the broker keeps no history (said once). */
  private final AtomicBoolean saidNoHistory = new AtomicBoolean();

  static final int DEFAULT_SCROLLBACK = 20;

  InteractiveChat(Terminal terminal) {
    this.terminal = terminal;
    // Raw from now until close, not only while a prompt reads (JLine's own span): otherwise the
    // terminal echoes keys typed while no prompt reads (joining; between two lines entered
    // quickly; a paste) by itself, in the middle of whatever the client is printing. Held
    // instead, they appear in the next prompt.
    this.before = terminal.enterRawMode();
    this.reader = LineReaderBuilder.builder().terminal(terminal).appName("ringchat").build();
    // An entered line leaves the prompt: what it did shows instead (your message, marked as
    // yours, or the answer to a command), as in IRC clients.
    reader.option(LineReader.Option.ERASE_LINE_ON_FINISH, true);
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

          @Override
          public void last(String line) {
            // The process exits next: this line takes the prompt's place (carriage return,
            // clear to end of line), so the shell's prompt starts on a clean line.
            terminal.writer().print('\r');
            terminal.puts(InfoCmp.Capability.clr_eol);
            terminal.writer().println(line);
            terminal.flush();
          }
        };
  }

  /** The newest {@code n} kept messages are shown on joining (0: none, yet positioned). */
  void scrollback(int n) {
    this.scrollback = n;
  }

  /** Says once that the broker keeps no history (it answered a positioned JOIN as version 1). */
  private void noHistory() {
    if (saidNoHistory.compareAndSet(false, true)) {
      screen.note("(this broker keeps no history)");
    }
  }

  /** Tests: what to do instead of exiting the process when the connection is lost for good. */
  void onLost(Consumer<String> action) {
    this.onLost = action;
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

  /** The session the prompt talks to now (tests drop its connection as a network would). */
  ChatSession currentSession() {
    return current;
  }

  LineReader reader() {
    return reader;
  }

  Screen screen() {
    return screen;
  }

  /**
   * Connects, joins (asking for a name as needed), chats; returns the exit code. With {@code
   * reconnect}, a connection lost without BYE is followed by a new one and the same name.
   */
  int run(ClientConfig config, boolean reconnect) throws InterruptedException {
    return run(config, reconnect, DEFAULT_REJOIN_WAIT);
  }

  static final Duration DEFAULT_REJOIN_WAIT =
      new DurationConverter().convert(Reconnector.DEFAULT_REJOIN_WAIT_TEXT);

  /**
   * As {@link #run(ClientConfig, boolean)}; a name found taken after reconnecting is retried for
   * {@code rejoinWait}.
   */
  int run(ClientConfig config, boolean reconnect, Duration rejoinWait) throws InterruptedException {
    ChatSession session = new ChatSession(screen);
    int broker;
    try {
      broker = ClientMain.connect(config, session, 0).broker();
    } catch (IOException e) {
      terminal.writer().println("ringchat-client: " + e.getMessage());
      terminal.flush();
      return 1;
    }
    try {
      String name = join(session, config);
      if (name == null) {
        return session.lost().isDone() ? 1 : 0;
      }
      Consumer<String> gone = onLost != null ? onLost : line -> Exit.now(screen, line, 1);
      Reconnector reconnector =
          new Reconnector(
              config, name, screen, reconnect, gone, rejoinWait, this::chatOn, this::noHistory);
      current = session;
      reconnector.watch(session, broker);
      int code = chat(name + "> ");
      reconnector.stop();
      return code;
    } finally {
      // Every session the reconnector replaced was closed then; the one in use closes here.
      ChatSession last = current;
      (last != null ? last : session).close();
    }
  }

  private void chatOn(ChatSession session) {
    ChatSession previous = current;
    current = session;
    if (previous != null) {
      previous.close();
    }
  }

  /** Joins, asking again after a refused name. Returns the name, or null if the user gave up. */
  private String join(ChatSession session, ClientConfig config) throws InterruptedException {
    String name = config.username();
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
        ServerFrame reply =
            session.joinWithHistory(name, JoinPosition.history(scrollback), this::noHistory);
        if (reply.type() == ServerFrame.Type.WELCOME) {
          screen.note(
              "joined as "
                  + TerminalSafe.escape(reply.name())
                  + "; "
                  + reply.count()
                  + " in the room. Type help for commands.");
          return reply.name();
        }
        screen.note(ClientMain.refusedName(name, config, reply) + "; choose another");
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

  /** The read-eval loop of the chat, on whichever session is current. */
  private int chat(String prompt) throws InterruptedException {
    while (true) {
      String line;
      try {
        line = reader.readLine(prompt);
      } catch (UserInterruptException | EndOfFileException e) {
        current.leave();
        return 0;
      }
      if (current.perform(UserCommand.parse(line))) {
        current.leave();
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
    terminal.setAttributes(before);
    terminal.close();
  }
}
