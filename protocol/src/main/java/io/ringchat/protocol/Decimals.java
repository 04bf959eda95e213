package io.ringchat.protocol;

/** Reading the protocol's non-negative decimal numbers (seqs, times, counts) from text. */
final class Decimals {
  private Decimals() {}

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
