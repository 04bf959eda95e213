package io.ringchat.broker.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which web pages may open a WebSocket to the broker ({@code --allowed-origins}). A browser sends
 * the page's origin with every WebSocket request, and any page on the internet can try to open one
 * to a broker its visitor can reach; refusing foreign origins keeps other sites from chatting in
 * the visitor's name. By default ({@code self}) only the origin the chat page itself is served from
 * is allowed: the one whose host and port are the request's {@code Host}. A request without {@code
 * Origin} comes from a program, not a browser page, and is allowed.
 *
 * <p>Immutable: read by any I/O thread.
 */
public final class OriginPolicy {
  private final Set<String> allowed;
  private final boolean self;
  private final boolean any;

  private OriginPolicy(Set<String> allowed, boolean self, boolean any) {
    this.allowed = Set.copyOf(allowed);
    this.self = self;
    this.any = any;
  }

  /**
   * Parses {@code --allowed-origins}: a comma-separated list of {@code self} (the page's own
   * origin), origins such as {@code https://chat.example.org}, and {@code *} (any origin).
   */
  public static OriginPolicy parse(String list) {
    Set<String> allowed = new LinkedHashSet<>();
    boolean self = false;
    boolean any = false;
    for (String entry : list.split(",", -1)) {
      String origin = entry.trim();
      if (origin.isEmpty()) {
        continue;
      }
      if (origin.equals("*")) {
        any = true;
        continue;
      }
      if (origin.equals("self")) {
        self = true;
        continue;
      }
      String normal = normalize(origin);
      if (normal == null) {
        throw new IllegalArgumentException(
            "--allowed-origins takes self, * or origins such as https://chat.example.org, got '"
                + origin
                + "'");
      }
      allowed.add(normal);
    }
    return new OriginPolicy(allowed, self, any);
  }

  /**
   * Whether a WebSocket request with these headers may proceed.
   *
   * @param origin the {@code Origin} header, or null
   * @param host the {@code Host} header, or null
   */
  public boolean allows(String origin, String host) {
    if (origin == null || any) {
      return true;
    }
    String normal = normalize(origin);
    if (normal == null) {
      return false; // "null" (a sandboxed or file: page) or garbage
    }
    if (allowed.contains(normal)) {
      return true;
    }
    if (!self || host == null) {
      return false;
    }
    String scheme = normal.substring(0, normal.indexOf("://"));
    return normal.equals(normalize(scheme + "://" + host));
  }

  /** {@code scheme://host[:port]} in lower case, without a default port; null if not an origin. */
  static String normalize(String origin) {
    URI uri;
    try {
      uri = new URI(origin.trim());
    } catch (URISyntaxException e) {
      return null;
    }
    String scheme = uri.getScheme();
    String host = uri.getHost();
    if (scheme == null || host == null) {
      return null;
    }
    scheme = scheme.toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return null;
    }
    String path = uri.getRawPath();
    if ((path != null && !path.isEmpty() && !path.equals("/"))
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || uri.getRawUserInfo() != null) {
      return null;
    }
    int port = uri.getPort();
    boolean defaultPort =
        port == -1
            || (scheme.equals("http") && port == 80)
            || (scheme.equals("https") && port == 443);
    return scheme + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
  }
}
