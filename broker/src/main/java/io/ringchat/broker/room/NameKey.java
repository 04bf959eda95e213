package io.ringchat.broker.room;

import io.ringchat.protocol.Name;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A name's identity as the members map's key: {@link Name#key()} (NFC, lower-cased) in UTF-8, equal
 * when the bytes are equal. When a name is already lower-case its key shares the member's display
 * bytes, so most members hold one small array for their name instead of two strings.
 *
 * <p>A {@link Member} is its own key (it extends this class): one object fewer per member, 16 bytes
 * that every idle member would hold. A lookup by name builds a plain key; equality is by the bytes
 * alone, whichever of the two each side is.
 *
 * <p>Room thread only.
 */
class NameKey {
  private final byte[] bytes;

  NameKey(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A key to look {@code name} up by. */
  static NameKey of(Name name) {
    return new NameKey(bytesOf(name, null));
  }

  /**
   * The key bytes of {@code name}: {@code displayBytes}, the name's display form in UTF-8 (or
   * null), when it is the same, so that the two share one array.
   */
  static byte[] bytesOf(Name name, byte[] displayBytes) {
    byte[] key = name.key().getBytes(StandardCharsets.UTF_8);
    return displayBytes != null && Arrays.equals(key, displayBytes) ? displayBytes : key;
  }

  @Override
  public final boolean equals(Object other) {
    return other instanceof NameKey k && Arrays.equals(bytes, k.bytes);
  }

  @Override
  public final int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
