package io.ringchat.client;

import io.github.cdimascio.dotenv.Dotenv;
import io.github.cdimascio.dotenv.DotenvEntry;
import io.ringchat.cli.DurationConverter;
import io.ringchat.protocol.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import picocli.CommandLine;

/**
 * Where to connect, as whom, and how soon a silent broker counts as gone, resolved from, in order
 * of precedence: command-line flags, the environment ({@code CHAT_HOST}, {@code CHAT_PORT}, {@code
 * CHAT_USERNAME}, {@code CHAT_KEEPALIVE}, {@code CHAT_TLS}, {@code CHAT_TLS_CA}), a {@code .env}
 * file, then the defaults ({@code localhost}, {@code 7878}, no username, 15 s).
 *
 * @param username null when none was given anywhere
 * @param usernameFrom where the username came from ({@code --username}, {@code CHAT_USERNAME}, or
 *     the {@code .env} file as a path, e.g. {@code ./.env}), so that a refusal can say; null with
 *     no username
 * @param keepAlive silence after which the client sends PING (and as long again: dead); zero: off
 * @param tls whether to speak TLS ({@code --tls}, {@code CHAT_TLS}; implied by a CA)
 * @param tlsCa the CA (or self-signed certificate) to trust instead of the JDK's ({@code --tls-ca},
 *     {@code CHAT_TLS_CA}); null for the JDK's
 */
public record ClientConfig(
    String host,
    int port,
    String username,
    String usernameFrom,
    Duration keepAlive,
    boolean tls,
    Path tlsCa) {
  public static final String DEFAULT_HOST = "localhost";

  /** Silence after which the client sends PING; as long again without a line, it is dead. */
  public static final String DEFAULT_KEEPALIVE_TEXT = "15s";

  public static final Duration DEFAULT_KEEPALIVE =
      new DurationConverter().convert(DEFAULT_KEEPALIVE_TEXT);

  /** A plain-TCP config with the default keepalive (tests). */
  public ClientConfig(String host, int port, String username, String usernameFrom) {
    this(host, port, username, usernameFrom, DEFAULT_KEEPALIVE, false, null);
  }

  /**
   * The brokers to try, in order: {@code host} is a comma-separated list ({@code a,b:7879,c}),
   * entries without a port taking {@code port}. Checked when the config is resolved.
   */
  public List<BrokerAddress> brokers() {
    return BrokerAddress.parseList(host, port, "--host");
  }

  /** The same config over TLS, trusting {@code ca} (null: the JDK's trusted CAs). */
  public ClientConfig withTls(Path ca) {
    return new ClientConfig(host, port, username, usernameFrom, keepAlive, true, ca);
  }

  /**
   * Resolves the configuration.
   *
   * @param flagHost flag value or null
   * @param flagPort flag value or null
   * @param flagUsername flag value or null
   * @param flagKeepAlive flag value or null
   * @param flagTls {@code --tls}, or null when not given
   * @param flagTlsCa {@code --tls-ca}, or null
   * @param env the process environment
   * @param envFile the {@code .env} file; a missing file counts as empty
   * @throws IllegalArgumentException with a one-line message when a port is not a port
   */
  public static ClientConfig resolve(
      String flagHost,
      Integer flagPort,
      String flagUsername,
      Duration flagKeepAlive,
      Boolean flagTls,
      String flagTlsCa,
      Map<String, String> env,
      Path envFile) {
    Map<String, String> file = readEnvFile(envFile);
    String host = first(flagHost, env.get("CHAT_HOST"), file.get("CHAT_HOST"), DEFAULT_HOST);
    String username =
        first(flagUsername, env.get("CHAT_USERNAME"), file.get("CHAT_USERNAME"), null);
    String usernameFrom = null;
    if (present(flagUsername)) {
      usernameFrom = "--username";
    } else if (present(env.get("CHAT_USERNAME"))) {
      usernameFrom = "CHAT_USERNAME";
    } else if (username != null) {
      usernameFrom = shown(envFile);
    }
    int port =
        setting(
            flagPort,
            "--port",
            "CHAT_PORT",
            env,
            file,
            envFile,
            ClientConfig::parsePort,
            ClientConfig::checkPort,
            Protocol.DEFAULT_PORT);
    Duration keepAlive =
        setting(
            flagKeepAlive,
            "--keepalive",
            "CHAT_KEEPALIVE",
            env,
            file,
            envFile,
            ClientConfig::parseKeepAlive,
            ClientConfig::checkKeepAlive,
            DEFAULT_KEEPALIVE);
    Boolean tls =
        setting(
            flagTls,
            "--tls",
            "CHAT_TLS",
            env,
            file,
            envFile,
            ClientConfig::parseBoolean,
            (value, source) -> value,
            false);
    String ca = first(flagTlsCa, env.get("CHAT_TLS_CA"), file.get("CHAT_TLS_CA"), null);
    Path tlsCa = ca == null ? null : Path.of(ca);
    BrokerAddress.parseList(host, port, present(flagHost) ? "--host" : "CHAT_HOST");
    return new ClientConfig(
        host, port, username, usernameFrom, keepAlive, tls || tlsCa != null, tlsCa);
  }

  private static Boolean parseBoolean(String value, String source) {
    String v = value.strip().toLowerCase(java.util.Locale.ROOT);
    return switch (v) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default ->
          throw new IllegalArgumentException(
              source + " must be true or false, got '" + value + "'");
    };
  }

  /**
   * A typed setting, by precedence: the flag's value (checked), the environment variable, the same
   * variable in the {@code .env} file (both parsed; an error names where the value came from), the
   * default.
   */
  private static <T> T setting(
      T flagValue,
      String flag,
      String variable,
      Map<String, String> env,
      Map<String, String> file,
      Path envFile,
      BiFunction<String, String, T> parse,
      BiFunction<T, String, T> check,
      T fallback) {
    if (flagValue != null) {
      return check.apply(flagValue, flag);
    }
    if (present(env.get(variable))) {
      return parse.apply(env.get(variable), variable);
    }
    if (present(file.get(variable))) {
      return parse.apply(file.get(variable), variable + " in " + envFile);
    }
    return fallback;
  }

  /** Whether the username was read from the {@code .env} file rather than given this time. */
  public boolean usernameFromEnvFile() {
    return usernameFrom != null
        && !usernameFrom.equals("--username")
        && !usernameFrom.equals("CHAT_USERNAME");
  }

  /** A path as a person would type it: {@code ./.env} rather than {@code .env}. */
  private static String shown(Path path) {
    String text = path.toString();
    return path.isAbsolute() || text.startsWith("./") || text.startsWith("../")
        ? text
        : "./" + text;
  }

  private static Map<String, String> readEnvFile(Path envFile) {
    Map<String, String> values = new HashMap<>();
    if (envFile == null || !Files.isRegularFile(envFile)) {
      return values;
    }
    Path dir = envFile.toAbsolutePath().getParent();
    Dotenv dotenv =
        Dotenv.configure()
            .directory(dir == null ? "." : dir.toString())
            .filename(envFile.getFileName().toString())
            .ignoreIfMalformed()
            .load();
    // Only what the file declares: the environment is weighed separately, with its own precedence.
    for (DotenvEntry entry : dotenv.entries(Dotenv.Filter.DECLARED_IN_ENV_FILE)) {
      values.put(entry.getKey(), entry.getValue());
    }
    return values;
  }

  private static String first(String a, String b, String c, String fallback) {
    for (String value : new String[] {a, b, c}) {
      if (present(value)) {
        return value.strip();
      }
    }
    return fallback;
  }

  private static boolean present(String value) {
    return value != null && !value.isBlank();
  }

  private static Duration parseKeepAlive(String value, String source) {
    try {
      return checkKeepAlive(new DurationConverter().convert(value.strip()), source);
    } catch (CommandLine.TypeConversionException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }

  private static Duration checkKeepAlive(Duration value, String source) {
    if (value.isNegative()) {
      throw new IllegalArgumentException(source + " must be 0s (off) or more");
    }
    return value;
  }

  private static int parsePort(String value, String source) {
    try {
      return checkPort(Integer.parseInt(value.strip()), source);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(source + " is not a port number: '" + value + "'", e);
    }
  }

  private static int checkPort(int port, String source) {
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException(source + " must be 1 to 65535, got " + port);
    }
    return port;
  }
}
