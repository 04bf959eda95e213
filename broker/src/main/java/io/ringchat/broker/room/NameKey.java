package io.ringchat.broker.room;

import io.ringchat.protocol.Name;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A name's identity as the members map's key: {@link Name#key()} (NFC, lower-cased) in UTF-8, equal
 * when the bytes are equal. When a name is already lower-case its key shares the member's display
 * bytes, so most members hold one small array for their name instead of two strings.
 *
 * <p>Room thread only.
 */
final class NameKey {
  private final byte[] bytes;

  private NameKey(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * The key of {@code name}; {@code displayBytes}, the name's display form in UTF-8 (or null), is
   * shared when it is the same.
   */
  static NameKey of(Name name, byte[] displayBytes) {
    byte[] key = name.key().getBytes(StandardCharsets.UTF_8);
    return new NameKey(
        displayBytes != null && Arrays.equals(key, displayBytes) ? displayBytes : key);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof NameKey k && Arrays.equals(bytes, k.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
