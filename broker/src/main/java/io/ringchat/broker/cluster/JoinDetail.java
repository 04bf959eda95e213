package io.ringchat.broker.cluster;

import static io.ringchat.broker.cluster.ClusterWire.ORDER;

import io.ringchat.protocol.JoinPosition;
import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The detail of a {@link ClusterWire#JOIN_POSITIONED} event: what the join asks to be replayed,
 * then the name.
 *
 * <pre>
 *   byte  mode          0: HISTORY, 1: SINCE
 *   long  count or seq  HISTORY's count, or SINCE's seq
 *   byte  epoch length  (0 for HISTORY)
 *   epoch length x byte the epoch, ASCII
 *   the rest            the name, UTF-8
 * </pre>
 */
final class JoinDetail {
  private JoinDetail() {}

  static final int MODE_OFFSET = 0;
  static final int NUMBER_OFFSET = MODE_OFFSET + Byte.BYTES;
  static final int EPOCH_LENGTH_OFFSET = NUMBER_OFFSET + Long.BYTES;
  static final int EPOCH_OFFSET = EPOCH_LENGTH_OFFSET + Byte.BYTES;

  private static final byte HISTORY = 0;
  private static final byte SINCE = 1;

  static byte[] encode(String name, JoinPosition position) {
    byte[] epoch =
        position.isSince() ? position.epoch().getBytes(StandardCharsets.US_ASCII) : new byte[0];
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    byte[] detail = new byte[EPOCH_OFFSET + epoch.length + nameBytes.length];
    UnsafeBuffer buffer = new UnsafeBuffer(detail);
    buffer.putByte(MODE_OFFSET, position.isSince() ? SINCE : HISTORY);
    buffer.putLong(
        NUMBER_OFFSET, position.isSince() ? position.since() : position.history(), ORDER);
    buffer.putByte(EPOCH_LENGTH_OFFSET, (byte) epoch.length);
    buffer.putBytes(EPOCH_OFFSET, epoch);
    buffer.putBytes(EPOCH_OFFSET + epoch.length, nameBytes);
    return detail;
  }

  /** The position of a detail of {@code length} bytes at {@code offset}, or null if malformed. */
  static JoinPosition position(DirectBuffer buffer, int offset, int length) {
    if (length < EPOCH_OFFSET) {
      return null;
    }
    long number = buffer.getLong(offset + NUMBER_OFFSET, ORDER);
    if (buffer.getByte(offset + MODE_OFFSET) == HISTORY) {
      return number < 0 ? null : JoinPosition.history(number);
    }
    String epoch = epoch(buffer, offset);
    return epoch == null || number < 0 || !JoinPosition.isEpoch(epoch)
        ? null
        : JoinPosition.since(epoch, number);
  }

  /** The name of a detail of {@code length} bytes at {@code offset}. */
  static String name(DirectBuffer buffer, int offset, int length) {
    int from = EPOCH_OFFSET + buffer.getByte(offset + EPOCH_LENGTH_OFFSET);
    return from > length ? "" : buffer.getStringWithoutLengthUtf8(offset + from, length - from);
  }

  private static String epoch(DirectBuffer buffer, int offset) {
    int length = buffer.getByte(offset + EPOCH_LENGTH_OFFSET);
    return length <= 0 ? null : buffer.getStringWithoutLengthAscii(offset + EPOCH_OFFSET, length);
  }
}
