package io.ringchat.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * The protocol's decimal numbers (seqs, times, counts): read from text, written as ASCII. The
 * writers are public so that every program here (the broker's frames, the load generator's
 * messages) writes numbers the one way.
 */
public final class Decimals {
  /** The most ASCII digits a long in decimal takes (a minus sign included). */
  public static final int MAX_LONG_DIGITS = 20;

  private Decimals() {}

  /**
   * Writes {@code value} in decimal ASCII at {@code to[at]} (several numbers per message, so no
   * string is made); returns the index after it. The digits are made from the last, dividing by the
   * constant 10 only, which the JIT turns into a multiplication.
   */
  public static int write(byte[] to, int at, long value) {
    if (value == Long.MIN_VALUE) {
      byte[] text = Long.toString(value).getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(text, 0, to, at, text.length);
      return at + text.length;
    }
    long rest = Math.abs(value);
    int end = at + (value < 0 ? 2 : 1);
    for (long v = rest / 10; v != 0; v /= 10) {
      end++;
    }
    int i = end;
    do {
      to[--i] = (byte) ('0' + rest % 10);
      rest /= 10;
    } while (rest != 0);
    if (value < 0) {
      to[at] = '-';
    }
    return end;
  }

  /** Appends {@code value} in decimal ASCII to {@code out}. */
  public static void write(ByteBuf out, long value) {
    byte[] digits = new byte[MAX_LONG_DIGITS];
    out.writeBytes(digits, 0, write(digits, 0, value));
  }

  /**
   * The value of {@code s}, one or more ASCII digits, or -1 when it is not that or is larger than
   * {@link Long#MAX_VALUE}.
   */
  static long parse(CharSequence s) {
    if (s.length() == 0) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < s.length(); i++) {
      int digit = s.charAt(i) - '0';
      if (digit < 0 || digit > 9 || value > (Long.MAX_VALUE - digit) / 10) {
        return -1;
      }
      value = value * 10 + digit;
    }
    return value;
  }

  /** Whether {@code s} is one or more ASCII digits, whatever their value. */
  static boolean isDigits(CharSequence s) {
    if (s.length() == 0) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
