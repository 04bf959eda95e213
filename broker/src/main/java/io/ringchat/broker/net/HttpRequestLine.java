package io.ringchat.broker.net;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Recognises a first line that is an HTTP request, so that a browser pointed at the port gets a
 * one-line answer and a closed connection instead of a page that never loads.
 */
final class HttpRequestLine {
  private static final byte[][] METHODS = {
    ascii("GET "), ascii("POST "), ascii("HEAD "), ascii("PUT "), ascii("DELETE "),
    ascii("OPTIONS "), ascii("CONNECT "), ascii("PATCH "), ascii("TRACE "), ascii("PRI ")
  };

  private HttpRequestLine() {}

  /** Whether {@code line} starts with an HTTP method and a space (methods are case-sensitive). */
  static boolean matches(ByteBuf line) {
    int from = line.readerIndex();
    for (byte[] method : METHODS) {
      if (line.readableBytes() >= method.length && startsWith(line, from, method)) {
        return true;
      }
    }
    return false;
  }

  private static boolean startsWith(ByteBuf line, int from, byte[] prefix) {
    for (int i = 0; i < prefix.length; i++) {
      if (line.getByte(from + i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
