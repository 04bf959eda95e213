package io.ringchat.client;

/**
 * Makes text from the wire safe to print on a terminal: every character a terminal would act on
 * rather than show is replaced by a visible escape, so no control or escape sequence from another
 * user (or a hostile broker) ever reaches the terminal raw.
 *
 * <p>Escaped: C0 controls (TAB included, shown as {@code \t}), DEL, C1 controls (ESC-free CSI is
 * U+009B), the bidirectional overrides and isolates (U+202A to U+202E, U+2066 to U+2069) and the
 * directional marks (U+200E, U+200F, U+061C) that can reorder what a line appears to say, line and
 * paragraph separators, and lone surrogates.
 */
public final class TerminalSafe {
  private TerminalSafe() {}

  public static String escape(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String replacement = replacementFor(text, i, c);
      if (replacement != null) {
        if (out == null) {
          out = new StringBuilder(text.length() + 16).append(text, 0, i);
        }
        out.append(replacement);
      } else if (out != null) {
        out.append(c);
      }
      if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
        char low = text.charAt(i + 1);
        if (Character.isLowSurrogate(low)) {
          if (out != null) {
            out.append(low);
          }
          i++;
        }
      }
    }
    return out == null ? text : out.toString();
  }

  private static String replacementFor(String text, int i, char c) {
    if (c == '\t') {
      return "\\t";
    }
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F)) {
      return String.format("\\x%02x", (int) c);
    }
    if ((c >= 0x202A && c <= 0x202E)
        || (c >= 0x2066 && c <= 0x2069)
        || c == 0x200E
        || c == 0x200F
        || c == 0x061C
        || c == 0x2028
        || c == 0x2029) {
      return String.format("\\u%04x", (int) c);
    }
    if (Character.isLowSurrogate(c)
        || (Character.isHighSurrogate(c)
            && (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))))) {
      return String.format("\\u%04x", (int) c);
    }
    return null;
  }
}
