package io.ringchat.client;

import java.util.ArrayList;
import java.util.List;

/**
 * One broker to try: a host and a port. The client takes a list of them ({@code --host
 * a,b:7879,c}), for brokers that serve one room together: it connects to the first that answers,
 * and after a lost connection to the next.
 *
 * @param host a name or a literal address (IPv6 without brackets)
 */
public record BrokerAddress(String host, int port) {

  /**
   * Parses a comma-separated list of {@code host}, {@code host:port} or {@code [v6]:port}; entries
   * without a port take {@code defaultPort}. Throws {@link IllegalArgumentException} with a
   * one-line message naming {@code source} and the entry.
   */
  public static List<BrokerAddress> parseList(String list, int defaultPort, String source) {
    List<BrokerAddress> brokers = new ArrayList<>();
    for (String raw : list.split(",", -1)) {
      String entry = raw.strip();
      if (entry.isEmpty()) {
        throw new IllegalArgumentException(source + " has an empty entry: '" + list + "'");
      }
      brokers.add(parse(entry, defaultPort, source));
    }
    return List.copyOf(brokers);
  }

  private static BrokerAddress parse(String entry, int defaultPort, String source) {
    String host = entry;
    String port = null;
    if (entry.startsWith("[")) {
      int close = entry.indexOf(']');
      if (close < 0) {
        throw bad(entry, source);
      }
      host = entry.substring(1, close);
      String rest = entry.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw bad(entry, source);
        }
        port = rest.substring(1);
      }
    } else if (entry.indexOf(':') >= 0 && entry.indexOf(':') == entry.lastIndexOf(':')) {
      host = entry.substring(0, entry.indexOf(':'));
      port = entry.substring(entry.indexOf(':') + 1);
    }
    if (host.isEmpty()) {
      throw bad(entry, source);
    }
    if (port == null) {
      return new BrokerAddress(host, defaultPort);
    }
    try {
      int p = Integer.parseInt(port);
      if (p < 1 || p > 65_535) {
        throw bad(entry, source);
      }
      return new BrokerAddress(host, p);
    } catch (NumberFormatException e) {
      throw bad(entry, source);
    }
  }

  private static IllegalArgumentException bad(String entry, String source) {
    return new IllegalArgumentException(
        source + ": '" + entry + "' is not host or host:port (port 1 to 65535)");
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
