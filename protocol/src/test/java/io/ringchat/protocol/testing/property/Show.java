package io.ringchat.protocol.testing.property;

import java.util.Collection;
import java.util.HexFormat;
import java.util.stream.Collectors;

/** How a failing value is written in a report: byte arrays in hex, strings Java-escaped. */
final class Show {
  private Show() {}

  static String of(Object value) {
    if (value instanceof byte[] bytes) {
      return "[" + HexFormat.ofDelimiter(" ").formatHex(bytes) + "] (" + bytes.length + " bytes)";
    }
    if (value instanceof String text) {
      return quoted(text);
    }
    if (value instanceof Collection<?> items) {
      return items.stream().map(Show::of).collect(Collectors.joining(", ", "[", "]"));
    }
    return String.valueOf(value);
  }

  private static String quoted(String text) {
    StringBuilder out = new StringBuilder("\"");
    text.chars()
        .forEach(
            ch -> {
              if (ch == '"' || ch == '\\') {
                out.append('\\').append((char) ch);
              } else if (ch >= 0x20 && ch < 0x7f) {
                out.append((char) ch);
              } else {
                out.append(String.format("\\u%04x", ch));
              }
            });
    return out.append('"').toString();
  }
}
