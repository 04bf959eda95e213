package io.ringchat.broker;

import java.security.SecureRandom;

/**
 * Epochs for a single broker's room: 10 random characters of {@code 0-9a-z} (about 52 bits), drawn
 * at each start, so that a position from before a restart is never mistaken for one of this
 * numbering (the room answers it with {@code GAP unknown}) and two brokers never share one.
 */
final class Epochs {
  private static final char[] DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final int LENGTH = 10;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Epochs() {}

  static String random() {
    char[] epoch = new char[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      epoch[i] = DIGITS[RANDOM.nextInt(DIGITS.length)];
    }
    return new String(epoch);
  }
}
