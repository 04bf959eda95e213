package io.ringchat.broker.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The browser chat page: plain HTML, CSS and JavaScript from the broker jar's resources, read once
 * at start-up and served from memory. No build step and no framework: what is in {@code
 * src/main/resources/io/ringchat/broker/web/} is what the browser gets.
 *
 * <p>Immutable after construction: read by any I/O thread.
 */
final class ChatPage {
  /** A file the page is made of. */
  static final class Asset {
    private final String contentType;
    private final byte[] bytes;

    Asset(String contentType, byte[] bytes) {
      this.contentType = contentType;
      this.bytes = bytes;
    }

    String contentType() {
      return contentType;
    }

    /** The file's bytes; never modified (responses wrap them read-only). */
    byte[] bytes() {
      return bytes;
    }
  }

  /**
   * What the page may do: its own scripts, styles and WebSocket, nothing inline and nothing from
   * elsewhere. Even if some text were ever inserted as HTML by mistake, no script could run.
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
          + " img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private final Map<String, Asset> assets;

  ChatPage() {
    Asset index = load("index.html", "text/html; charset=utf-8");
    assets =
        Map.of(
            "/",
            index,
            "/index.html",
            index,
            "/chat.js",
            load("chat.js", "text/javascript; charset=utf-8"),
            "/chat.css",
            load("chat.css", "text/css; charset=utf-8"),
            "/favicon.svg",
            load("favicon.svg", "image/svg+xml"));
  }

  /** The asset at {@code path}, or null. */
  Asset asset(String path) {
    return assets.get(path);
  }

  private static Asset load(String name, String contentType) {
    try (InputStream in = ChatPage.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the broker jar lacks its page resource " + name);
      }
      return new Asset(contentType, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
