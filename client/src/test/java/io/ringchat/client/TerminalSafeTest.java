package io.ringchat.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalSafeTest {

  @Test
  void shouldLeavePlainTextAlone() {
    String text = "hello Zoë, 日本語 😀";
    assertThat(TerminalSafe.escape(text)).isSameAs(text);
  }

  @Test
  void shouldEscapeAnsiEscapeSequences() {
    assertThat(TerminalSafe.escape("\u001b[2J\u001b]0;pwned\u0007"))
        .isEqualTo("\\x1b[2J\\x1b]0;pwned\\x07")
        .doesNotContain("\u001b");
  }

  @Test
  void shouldEscapeC0C1AndDel() {
    assertThat(TerminalSafe.escape("a\rb\u007fc\u009bd\u0085e\tf"))
        .isEqualTo("a\\x0db\\x7fc\\x9bd\\x85e\\tf");
  }

  @Test
  void shouldEscapeBidiOverridesIsolatesAndMarks() {
    assertThat(TerminalSafe.escape("x\u202Eevil\u202C\u2066\u2069\u200F"))
        .isEqualTo("x\\u202eevil\\u202c\\u2066\\u2069\\u200f");
  }

  @Test
  void shouldEscapeLoneSurrogatesButKeepPairs() {
    assertThat(TerminalSafe.escape("\uD800x\uDC00 \uD83D\uDE00"))
        .isEqualTo("\\ud800x\\udc00 \uD83D\uDE00");
  }
}
