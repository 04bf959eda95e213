package io.ringchat.client;

import io.ringchat.cli.CommandLines;
import io.ringchat.cli.DurationConverter;
import io.ringchat.cli.VersionFromManifest;
import io.ringchat.client.load.LoadCommand;
import io.ringchat.protocol.ErrorCode;
import io.ringchat.protocol.Protocol;
import io.ringchat.protocol.ServerFrame;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The client's command line: resolves where to connect, connects, joins, then chats at a terminal,
 * reads commands from piped input, or sends one message ({@code --send}).
 *
 * <p>Exit codes: 0 after a clean leave; 1 when the connection fails or is lost, or the broker
 * refuses a message; 2 for a usage mistake (bad option, no username, a refused name when nobody can
 * be asked for another).
 */
@Command(
    name = "ringchat-client",
    mixinStandardHelpOptions = true,
    versionProvider = VersionFromManifest.class,
    subcommands = LoadCommand.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Chat in the ringchat room. Connects, joins, then reads lines:",
      "  <message>          any other line is sent to everyone else",
      "  send <message>     the same, said explicitly",
      "  who                list the members",
      "  help               the commands",
      "  leave              leave and exit (also quit, exit, Ctrl-D, Ctrl-C)",
      "Each command also works as /send, /who, /help, /leave."
    })
public final class ClientMain implements Callable<Integer> {
  static final int CONNECT_TIMEOUT_MILLIS = 10_000;

  @Option(
      names = {"-H", "--host"},
      description =
          "Broker host, or a list of brokers serving one room (a,b:7879,c: tried in order, the"
              + " next after a lost connection) (env CHAT_HOST, .env). Default: "
              + ClientConfig.DEFAULT_HOST)
  private String host;

  @Option(
      names = {"-p", "--port"},
      description = "Broker port (env CHAT_PORT, .env). Default: " + Protocol.DEFAULT_PORT)
  private Integer port;

  @Option(
      names = {"-u", "--username"},
      description =
          "Name in the room (env CHAT_USERNAME, .env); asked for if missing at a terminal.")
  private String username;

  @Option(
      names = "--env-file",
      paramLabel = "PATH",
      defaultValue = ".env",
      description = "File of CHAT_* settings. Default: ${DEFAULT-VALUE} (ignored if missing).")
  private Path envFile;

  @Option(
      names = "--keepalive",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "After this long without a line from the broker, send PING; as long again without one,"
              + " the connection is dead (env CHAT_KEEPALIVE, .env); 0s: off. Default: "
              + ClientConfig.DEFAULT_KEEPALIVE_TEXT
              + ".")
  private Duration keepAlive;

  @Option(
      names = "--tls",
      description =
          "Speak TLS to the broker, checking its certificate and host name (env CHAT_TLS=true,"
              + " .env). Default: plain TCP.")
  private Boolean tls;

  @Option(
      names = "--tls-ca",
      paramLabel = "FILE",
      description =
          "PEM CA certificate (or the broker's self-signed certificate) to trust instead of the"
              + " JDK's CAs; implies --tls (env CHAT_TLS_CA, .env).")
  private String tlsCa;

  @Option(
      names = "--no-reconnect",
      description =
          "At a terminal, exit 1 when the connection is lost instead of reconnecting and joining"
              + " again under the same name.")
  private boolean noReconnect;

  @Option(
      names = "--rejoin-wait",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      defaultValue = Reconnector.DEFAULT_REJOIN_WAIT_TEXT,
      description =
          "After reconnecting, how long a name the broker still holds is retried (every second)"
              + " before the client gives up and exits 1. Default: ${DEFAULT-VALUE}.")
  private Duration rejoinWait;

  @Option(
      names = "--scrollback",
      paramLabel = "N",
      defaultValue = "" + InteractiveChat.DEFAULT_SCROLLBACK,
      description =
          "At a terminal, show the room's newest N kept messages on joining, with their local"
              + " time; 0 shows none (a lost connection still resumes with what was missed)."
              + " Default: ${DEFAULT-VALUE}.")
  private int scrollback;

  @Option(
      names = "--send",
      paramLabel = "MESSAGE",
      description = "Send one message, leave and exit (0 once the broker took it).")
  private String oneShot;

  private final PrintStream out = System.out;
  private final PrintStream err = System.err;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return CommandLines.of(new ClientMain());
  }

  @Override
  public Integer call() throws Exception {
    ClientConfig config;
    try {
      config =
          ClientConfig.resolve(
              host, port, username, keepAlive, tls, tlsCa, System.getenv(), envFile);
      if (config.tls()) {
        ClientTls.context(config.tlsCa()); // a bad --tls-ca is a usage mistake: say so now
      }
    } catch (IllegalArgumentException e) {
      return fail(2, e.getMessage());
    }
    if (scrollback < 0) {
      return fail(2, "--scrollback must be 0 or more, got " + scrollback);
    }
    if (oneShot == null) {
      InteractiveChat chat = InteractiveChat.onSystemTerminalIfAny();
      if (chat != null) {
        chat.scrollback(scrollback);
        try (chat) {
          return chat.run(config, !noReconnect, rejoinWait);
        }
      }
    }
    if (config.username() == null) {
      return fail(
          2, "no username: pass --username NAME, or set CHAT_USERNAME (environment or .env)");
    }
    // One-shot --send shows nothing from the room: only its own outcome, on stderr if it failed.
    Screen screen = new PlainScreen(oneShot != null ? null : out, err);
    ChatSession session = new ChatSession(screen);
    ChatConnection connection;
    try {
      connection = connect(config, session);
    } catch (IOException e) {
      return fail(1, e.getMessage());
    }
    try (connection) {
      Integer refused = joinOnce(session, config);
      if (refused != null) {
        return refused;
      }
      return oneShot != null ? sendOnce(session) : PipedChat.run(session, stdin(), screen);
    }
  }

  static ChatConnection connect(ClientConfig config, ChatSession session)
      throws IOException, InterruptedException {
    return connect(config, session, 0).connection();
  }

  /** A connection, and the index in the broker list of the broker it reached. */
  record Connected(ChatConnection connection, int broker) {}

  /**
   * Connects to the first broker of {@code config.brokers()} that answers, starting at {@code
   * first} and going round the list once; the session is attached to it.
   *
   * @throws IOException with one line: why the (last) broker could not be reached
   */
  static Connected connect(ClientConfig config, ChatSession session, int first)
      throws IOException, InterruptedException {
    List<BrokerAddress> brokers = config.brokers();
    IOException last = null;
    for (int i = 0; i < brokers.size(); i++) {
      BrokerAddress broker = brokers.get((first + i) % brokers.size());
      try {
        ChatConnection connection =
            ChatConnection.connect(
                broker.host(),
                broker.port(),
                CONNECT_TIMEOUT_MILLIS,
                config.keepAlive(),
                config.tls() ? ClientTls.context(config.tlsCa()) : null,
                session);
        session.attach(connection);
        return new Connected(connection, (first + i) % brokers.size());
      } catch (ChatConnection.TlsHandshakeFailed e) {
        last = e; // already names the broker and what to do
      } catch (IOException e) {
        last = new IOException("cannot connect to " + broker + ": " + e.getMessage(), e);
      }
    }
    throw last;
  }

  /** Joins without anyone to ask for another name: returns an exit code if refused, else null. */
  private Integer joinOnce(ChatSession session, ClientConfig config) throws InterruptedException {
    String name = config.username();
    try {
      ServerFrame reply = session.join(name);
      if (reply.type() == ServerFrame.Type.WELCOME) {
        return null;
      }
      return fail(2, refusedName(name, config, reply) + "; pass --username NAME for another");
    } catch (TimeoutException e) {
      return fail(1, "the broker did not answer the JOIN");
    } catch (ExecutionException e) {
      // the same line as a connection lost later in the session (Exit.now), whenever it happens
      err.println("connection lost: " + e.getCause().getMessage());
      err.flush();
      return 1;
    }
  }

  /**
   * Why {@code name} was refused, in one line; when it was taken and came from the {@code .env}
   * file, says so, since a second client started in the same directory reads the same file.
   */
  static String refusedName(String name, ClientConfig config, ServerFrame reply) {
    String shown = TerminalSafe.escape(name);
    if (reply.knownErrorCode() == ErrorCode.NAME_TAKEN
        && name.equals(config.username())
        && config.usernameFromEnvFile()) {
      return "name '" + shown + "' from " + config.usernameFrom() + " is taken";
    }
    return "cannot join as " + shown + ": " + describe(reply);
  }

  private int sendOnce(ChatSession session) throws InterruptedException {
    String refusal = ChatSession.tooLong(oneShot);
    if (refusal != null) {
      return fail(2, refusal);
    }
    session.send(oneShot);
    boolean gotBye = session.leave();
    ServerFrame error = session.lastError();
    if (error != null) {
      return fail(1, "the broker refused the message: " + describe(error));
    }
    if (!gotBye) {
      return fail(1, "the broker did not confirm (no BYE); the message may not have been sent");
    }
    return 0;
  }

  static String describe(ServerFrame err) {
    return TerminalSafe.escape(err.errorCode()) + " (" + TerminalSafe.escape(err.text()) + ")";
  }

  private int fail(int code, String message) {
    err.println("ringchat-client: " + message);
    err.flush();
    return code;
  }

  private static BufferedReader stdin() {
    return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
  }
}
