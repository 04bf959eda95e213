package io.ringchat.protocol;

import java.util.Locale;

/**
 * A member's name as the room shows it ({@link #display}, Unicode NFC with its case kept) and the
 * identity two names share when they are the same name ({@link #key}, the display form lower-cased
 * with {@link Locale#ROOT}). Build one with {@link Names#parse}.
 */
public record Name(String display, String key) {
  /** The most UTF-8 bytes a name may have, after NFC normalisation. */
  public static final int MAX_BYTES = 32;
}
