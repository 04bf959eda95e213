package io.ringchat.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;

/**
 * The name rules: a name is normalised to NFC, then must be 1 to {@value Name#MAX_BYTES} bytes of
 * UTF-8, made of letters and digits of any script (Unicode categories L and N) plus {@code _},
 * {@code -} and {@code .}, and start with a letter or digit. Invalid UTF-8 or a control character
 * (TAB included: the text rule's one exception does not extend to names) is {@link
 * ErrorCode#BAD_TEXT}; any other breach is {@link ErrorCode#BAD_NAME}.
 */
public final class Names {
  private Names() {}

  /** The outcome of {@link #parse}: exactly one of {@code name} and {@code error} is non-null. */
  public record Result(Name name, ErrorCode error) {}

  /** Validates and normalises the name in the readable bytes of {@code utf8}. */
  public static Result parse(ByteBuf utf8) {
    if (!Text.isValid(utf8)
        || utf8.indexOf(utf8.readerIndex(), utf8.writerIndex(), (byte) '\t') >= 0) {
      return new Result(null, ErrorCode.BAD_TEXT);
    }
    if (utf8.readableBytes() > Name.MAX_BYTES * 16) {
      // NFC shrinks text at most about threefold (three 3-byte Hangul jamo compose into one 3-byte
      // syllable), so no longer argument can normalise to a valid name: refuse it before decoding.
      return new Result(null, ErrorCode.BAD_NAME);
    }
    return parse(utf8.toString(StandardCharsets.UTF_8));
  }

  /** Validates and normalises {@code raw}. */
  public static Result parse(String raw) {
    if (!Text.isValid(raw) || raw.indexOf('\t') >= 0) {
      return new Result(null, ErrorCode.BAD_TEXT);
    }
    String nfc = Normalizer.normalize(raw, Normalizer.Form.NFC);
    if (!followsNameRules(nfc)) {
      return new Result(null, ErrorCode.BAD_NAME);
    }
    return new Result(new Name(nfc, nfc.toLowerCase(Locale.ROOT)), null);
  }

  /** Whether the NFC string {@code nfc} follows the length and character rules. */
  static boolean followsNameRules(String nfc) {
    if (nfc.isEmpty() || nfc.getBytes(StandardCharsets.UTF_8).length > Name.MAX_BYTES) {
      return false;
    }
    int first = nfc.codePointAt(0);
    if (!Character.isLetter(first) && !isNumber(first)) {
      return false;
    }
    for (int i = 0; i < nfc.length(); ) {
      int cp = nfc.codePointAt(i);
      if (!isNameCharacter(cp)) {
        return false;
      }
      i += Character.charCount(cp);
    }
    return true;
  }

  private static boolean isNameCharacter(int cp) {
    return cp == '_' || cp == '-' || cp == '.' || Character.isLetter(cp) || isNumber(cp);
  }

  /** Unicode category N: Nd, Nl and No (Character.isDigit covers Nd only). */
  private static boolean isNumber(int cp) {
    int type = Character.getType(cp);
    return type == Character.DECIMAL_DIGIT_NUMBER
        || type == Character.LETTER_NUMBER
        || type == Character.OTHER_NUMBER;
  }
}
