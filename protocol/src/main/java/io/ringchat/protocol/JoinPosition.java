package io.ringchat.protocol;

/**
 * What a positioned {@code JOIN} asks for (protocol version 1.1): {@code JOIN <name> HISTORY <n>},
 * the newest {@code n} kept messages, or {@code JOIN <name> SINCE <epoch>:<seq>}, every message
 * after that position. A plain {@code JOIN} has no position (null where one is passed).
 *
 * @param history the count asked for with {@code HISTORY}, at most {@link Long#MAX_VALUE}; -1 for
 *     {@code SINCE}
 * @param epoch the epoch of a {@code SINCE} position, or null for {@code HISTORY}
 * @param since the seq of a {@code SINCE} position (0 up); 0 for {@code HISTORY}
 */
public record JoinPosition(long history, String epoch, long since) {
  /** The longest epoch: 16 characters of {@code 0-9a-z}. */
  public static final int MAX_EPOCH_LENGTH = 16;

  /** {@code HISTORY n}. */
  public static JoinPosition history(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("a HISTORY count is 0 or more, got " + n);
    }
    return new JoinPosition(n, null, 0);
  }

  /** {@code SINCE epoch:seq}. */
  public static JoinPosition since(String epoch, long seq) {
    if (!isEpoch(epoch) || seq < 0) {
      throw new IllegalArgumentException("not a position: " + epoch + ":" + seq);
    }
    return new JoinPosition(-1, epoch, seq);
  }

  /** Whether this is {@code SINCE} (else {@code HISTORY}). */
  public boolean isSince() {
    return epoch != null;
  }

  /** Whether {@code s} is an epoch: 1 to 16 characters of {@code 0-9a-z}. */
  public static boolean isEpoch(CharSequence s) {
    if (s == null || s.length() == 0 || s.length() > MAX_EPOCH_LENGTH) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z')) {
        return false;
      }
    }
    return true;
  }

  /**
   * Parses the count of {@code HISTORY <n>}: a whole number from 0 up in ASCII digits (a larger
   * count than a long holds is as good as {@link Long#MAX_VALUE}: it asks for everything kept), or
   * -1 when {@code s} is not one.
   */
  public static long parseCount(CharSequence s) {
    if (!Decimals.isDigits(s)) {
      return -1;
    }
    long n = Decimals.parse(s);
    return n < 0 ? Long.MAX_VALUE : n;
  }

  /**
   * Parses {@code <epoch>:<seq>}, or returns null when {@code s} is not a position (the seq must
   * fit in 64 bits: a larger one cannot have been handed out).
   */
  public static JoinPosition parseSince(String s) {
    int colon = s.indexOf(':');
    if (colon < 0 || !isEpoch(s.substring(0, colon))) {
      return null;
    }
    long seq = Decimals.parse(s.substring(colon + 1));
    return seq < 0 ? null : new JoinPosition(-1, s.substring(0, colon), seq);
  }

  @Override
  public String toString() {
    return isSince() ? "SINCE " + epoch + ":" + since : "HISTORY " + history;
  }
}
