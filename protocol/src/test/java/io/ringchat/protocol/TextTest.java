package io.ringchat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.ringchat.protocol.testing.property.Gen;
import io.ringchat.protocol.testing.property.PropertyCheck;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TextTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "hello",
        "tab\tinside",
        " leading and trailing ",
        "Zoë",
        "日本語",
        "emoji 😀",
        "\u00A0nbsp"
      })
  void shouldAcceptValidTextWithoutControls(String text) {
    assertThat(Text.isValid(Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8))))
        .isTrue();
    assertThat(Text.isValid(text)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"nul\u0000", "esc\u001b[31m", "del\u007f", "c1\u0085", "c1\u009b", "bell\u0007"})
  void shouldRefuseControlCharactersOtherThanTab(String text) {
    assertThat(Text.isValid(Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8))))
        .isFalse();
    assertThat(Text.isValid(text)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ff", // never valid
        "c0af", // overlong '/'
        "e080af", // overlong
        "f08080af", // overlong
        "eda080", // surrogate U+D800
        "f4908080", // above U+10FFFF
        "c3", // truncated 2-byte
        "e282", // truncated 3-byte
        "80", // lone continuation
        "c328", // bad continuation
      })
  void shouldRefuseInvalidUtf8(String hex) {
    assertThat(Text.isValid(Unpooled.wrappedBuffer(hex(hex)))).isFalse();
  }

  @Test
  void agreesWithStrictDecoderAndControlRule() {
    // Bytes assembled from encodings, their prefixes and stray bytes, so that most arrays are
    // nearly valid: uniform random bytes would almost never be.
    PropertyCheck.forAll(Gen.utf8ish(12))
        .tries(2000)
        .check(
            bytes ->
                assertThat(Text.isValid(Unpooled.wrappedBuffer(bytes))).isEqualTo(oracle(bytes)));
  }

  @Test
  void agreesWithStrictDecoderOnEncodedStrings() {
    // Code points of every plane, and lone surrogates, which have no UTF-8 form.
    PropertyCheck.forAll(Gen.stringsOfCodePoints(Gen.anyCodePoint(), 20))
        .tries(2000)
        .check(
            text -> {
              byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
              boolean expected =
                  oracle(bytes) && text.equals(new String(bytes, StandardCharsets.UTF_8));
              assertThat(Text.isValid(Unpooled.wrappedBuffer(bytes))).isEqualTo(oracle(bytes));
              assertThat(Text.isValid(text)).isEqualTo(expected);
            });
  }

  @Test
  void agreesWithStrictDecoderOnMostlyPrintableRunsAtAnyOffset() {
    // Runs of printable ASCII long enough for the eight-byte path, broken by a tab, a control,
    // DEL, a multi-byte character or a stray byte, read from any offset of a larger buffer.
    Random random = new Random(20261206);
    byte[] odd = {'\t', 0x00, 0x1F, 0x7F, (byte) 0x80, (byte) 0xC2, (byte) 0xFF};
    for (int round = 0; round < 20_000; round++) {
      byte[] bytes = new byte[random.nextInt(40)];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] =
            random.nextInt(12) == 0
                ? odd[random.nextInt(odd.length)]
                : (byte) (0x20 + random.nextInt(0x5F));
      }
      if (bytes.length >= 2 && random.nextInt(4) == 0) {
        int at = random.nextInt(bytes.length - 1); // é, well-formed, in the middle of a run
        bytes[at] = (byte) 0xC3;
        bytes[at + 1] = (byte) 0xA9;
      }
      int before = random.nextInt(9);
      ByteBuf buf =
          Unpooled.buffer().writeZero(before).writeBytes(bytes).writeZero(random.nextInt(9));
      try {
        assertThat(Text.isValid(buf, before, before + bytes.length))
            .as("%s", HexFormat.of().formatHex(bytes))
            .isEqualTo(oracle(bytes));
      } finally {
        buf.release();
      }
    }
  }

  /** The rule restated with the JDK's strict UTF-8 decoder. */
  private static boolean oracle(byte[] bytes) {
    String decoded;
    try {
      decoded =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      return false;
    }
    return decoded.codePoints().noneMatch(cp -> Character.isISOControl(cp) && cp != '\t');
  }

  private static byte[] hex(String hex) {
    byte[] out = new byte[hex.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }
}
