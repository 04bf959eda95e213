package io.ringchat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CommandTest {

  @ParameterizedTest
  @CsvSource({
    "JOIN bob, JOIN",
    "join bob, JOIN",
    "JoIn bob, JOIN",
    "SEND hi, SEND",
    "send hi, SEND",
    "WHO, WHO",
    "who, WHO",
    "PING, PING",
    "ping x, PING",
    "LEAVE, LEAVE",
    "Leave, LEAVE"
  })
  void shouldMatchCommandWordsIgnoringCase(String line, Command expected) {
    assertThat(match(line)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "JOINX bob",
        "SENDS hi",
        "WH",
        "HELLO",
        "GET / HTTP/1.1",
        "ſend x",
        " SEND x",
        "SEND\tx"
      })
  void shouldNotMatchOtherWords(String line) {
    assertThat(match(line)).isNull();
  }

  @Test
  void shouldNotFoldNonLetters() {
    // '@' is 'a' - 0x21 and '`' is 'a' - 1: neither folds to a letter.
    assertThat(match("@HO")).isNull();
    assertThat(match("`HO")).isNull();
  }

  @Test
  void shouldSplitArgumentAtTheFirstSpaceKeepingTheRestVerbatim() {
    ByteBuf line = buf("SEND  two  spaces ");
    int word = ClientLine.wordLength(line);

    assertThat(word).isEqualTo(4);
    assertThat(ClientLine.argument(line, word).toString(StandardCharsets.UTF_8))
        .isEqualTo(" two  spaces ");
  }

  @Test
  void shouldTreatMissingOrEmptyArgumentAsNone() {
    ByteBuf bare = buf("SEND");
    ByteBuf empty = buf("SEND ");

    assertThat(ClientLine.argument(bare, ClientLine.wordLength(bare))).isNull();
    assertThat(ClientLine.argument(empty, ClientLine.wordLength(empty))).isNull();
  }

  private static Command match(String line) {
    ByteBuf buf = buf(line);
    return Command.match(buf, ClientLine.wordLength(buf));
  }

  private static ByteBuf buf(String s) {
    return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8));
  }
}
