package io.ringchat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.ringchat.protocol.testing.property.Gen;
import io.ringchat.protocol.testing.property.PropertyCheck;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {
  /** The name rule restated as a regular expression, as an independent oracle. */
  private static final Pattern RULE = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}_.\\-]*");

  @ParameterizedTest
  @ValueSource(strings = {"alice", "Bob", "a", "x_y-z.1", "9lives", "Zoë", "日本", "Ⅻ", "٣"})
  void shouldAcceptNamesOfLettersDigitsAndPunctuationInTheMiddle(String raw) {
    assertThat(Names.parse(raw).name().display()).isEqualTo(raw);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "_alice", "-a", ".a", "a b", "a!", "😀", "a😀", "e\u0301\u0301"})
  void shouldRefuseNamesBreakingTheCharacterRules(String raw) {
    assertThat(Names.parse(raw).error()).isEqualTo(ErrorCode.BAD_NAME);
  }

  @Test
  void shouldAcceptThirtyTwoBytesAndRefuseThirtyThree() {
    assertThat(Names.parse("a".repeat(32)).name()).isNotNull();
    assertThat(Names.parse("a".repeat(33)).error()).isEqualTo(ErrorCode.BAD_NAME);
    assertThat(Names.parse("ë".repeat(16)).name()).isNotNull();
    assertThat(Names.parse("a" + "ë".repeat(16)).error()).isEqualTo(ErrorCode.BAD_NAME);
  }

  @Test
  void shouldCountBytesAfterNormalisation() {
    // 16 decomposed ë are 48 bytes, but 32 once composed.
    String decomposed = "e\u0308".repeat(16);
    assertThat(decomposed.getBytes(StandardCharsets.UTF_8)).hasSize(48);

    assertThat(Names.parse(decomposed).name().display()).isEqualTo("ë".repeat(16));
  }

  @Test
  void shouldGiveSameKeyToCaseVariantsAndCompositionVariants() {
    assertThat(Names.parse("Alice").name().key()).isEqualTo(Names.parse("alice").name().key());
    assertThat(Names.parse("Zo\u00EB").name().key())
        .isEqualTo(Names.parse("zoe\u0308").name().key());
    assertThat(Names.parse("ZOE\u0308").name().display()).isEqualTo("ZO\u00CB");
  }

  @Test
  void shouldKeepTheCaseInTheDisplayForm() {
    assertThat(Names.parse("AlIcE").name().display()).isEqualTo("AlIcE");
    assertThat(Names.parse("AlIcE").name().key()).isEqualTo("alice");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\u0000", "a\tb", "\u001b[31m", "a\u0085"})
  void shouldCallControlCharactersBadText(String raw) {
    assertThat(Names.parse(raw).error()).isEqualTo(ErrorCode.BAD_TEXT);
    assertThat(Names.parse(Unpooled.wrappedBuffer(raw.getBytes(StandardCharsets.UTF_8))).error())
        .isEqualTo(ErrorCode.BAD_TEXT);
  }

  @Test
  void shouldCallInvalidUtf8BadText() {
    assertThat(Names.parse(Unpooled.wrappedBuffer(new byte[] {'a', (byte) 0xC3})).error())
        .isEqualTo(ErrorCode.BAD_TEXT);
  }

  @Test
  void shouldRefuseVeryLongArgumentWithoutDecodingIt() {
    byte[] huge = "a".repeat(100_000).getBytes(StandardCharsets.US_ASCII);
    assertThat(Names.parse(Unpooled.wrappedBuffer(huge)).error()).isEqualTo(ErrorCode.BAD_NAME);
  }

  @Test
  void agreesWithTheRuleAsARegex() {
    PropertyCheck.forAll(nameLike()).tries(3000).check(NamesTest::agreesWithTheRule);
  }

  private static void agreesWithTheRule(String raw) {
    String nfc = Normalizer.normalize(raw, Normalizer.Form.NFC);
    boolean badText =
        raw.codePoints().anyMatch(cp -> Character.isISOControl(cp) || isSurrogate(cp));
    Names.Result result = Names.parse(raw);
    if (badText) {
      assertThat(result.error()).isEqualTo(ErrorCode.BAD_TEXT);
      return;
    }
    boolean valid =
        RULE.matcher(nfc).matches() && nfc.getBytes(StandardCharsets.UTF_8).length <= 32;
    if (valid) {
      assertThat(result.name().display()).isEqualTo(nfc);
      assertThat(result.name().key()).isEqualTo(nfc.toLowerCase(Locale.ROOT));
    } else {
      assertThat(result.error()).isEqualTo(ErrorCode.BAD_NAME);
    }
  }

  @Test
  void bytesAndStringFormsAgree() {
    // A string with a lone surrogate has no UTF-8 form to compare.
    PropertyCheck.forAll(
            nameLike().filter(raw -> raw.codePoints().noneMatch(NamesTest::isSurrogate)))
        .tries(1000)
        .check(
            raw -> {
              Names.Result fromString = Names.parse(raw);
              Names.Result fromBytes =
                  Names.parse(Unpooled.wrappedBuffer(raw.getBytes(StandardCharsets.UTF_8)));
              assertThat(fromBytes).isEqualTo(fromString);
            });
  }

  /** Strings near the rule: its characters and separators, Latin-1, combining marks, anything. */
  private static Gen<String> nameLike() {
    return Gen.oneOf(
        Gen.strings(
            Gen.oneOf(
                Gen.charRange('a', 'z'),
                Gen.charRange('A', 'Z'),
                Gen.charRange('0', '9'),
                Gen.charsOf("_-. ")),
            40),
        Gen.strings(Gen.charRange('\u0000', '\u00FF'), 20),
        Gen.strings(Gen.charsOf("aeoZ\u0301\u0308\u00EB\u4E00\u0663\u2160_.-"), 20),
        Gen.strings(Gen.anyChar(), 10));
  }

  private static boolean isSurrogate(int codePoint) {
    return codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE;
  }
}
