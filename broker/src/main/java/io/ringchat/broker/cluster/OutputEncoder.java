package io.ringchat.broker.cluster;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.function.Consumer;
import org.agrona.ExpandableArrayBuffer;

/**
 * Encodes one broker's {@link GatheredOutput} as {@link ClusterWire#OUTPUT} messages, as few as fit
 * under the size limit: each buffer's bytes once (in first-use order), its lines pointing into
 * them. Each message is numbered and kept in the broker's {@link KeptEgress}, then handed on.
 *
 * <p>The clustered service's thread only.
 */
final class OutputEncoder {
  private final int maxOutputBytes;
  private final ExpandableArrayBuffer message = new ExpandableArrayBuffer(64 * 1024);

  OutputEncoder(int maxOutputBytes) {
    this.maxOutputBytes = maxOutputBytes;
  }

  /** Encodes all of {@code output}; {@code made} is called after each message is kept. */
  void encode(GatheredOutput output, Consumer<BrokerSession> made) {
    int from = 0;
    do {
      from = encodeFrom(output, from);
      made.accept(output.broker);
    } while (from < output.size);
  }

  /** Encodes entries from {@code from} on, as many as fit in one message; returns where it ends. */
  private int encodeFrom(GatheredOutput p, int from) {
    // Pass 1: which entries fit, and the bytes of the buffers they use, in first-use order.
    int[] base = p.base;
    Arrays.fill(base, 0, p.bufferCount, -1);
    int bytes = 0;
    int to = from;
    while (to < p.size) {
      int index = p.bufferIndex[to];
      boolean newBuffer = index >= 0 && base[index] < 0;
      int bufferBytes = newBuffer ? bufferLength(p.buffers[index]) : 0;
      if (to > from
          && OutputFlyweight.length(bytes + bufferBytes, to - from + 1) > maxOutputBytes) {
        break;
      }
      if (newBuffer) {
        ByteBuf buf = p.buffers[index];
        base[index] = bytes;
        int into = OutputFlyweight.BYTES_OFFSET + bytes;
        message.checkLimit(into + bufferBytes); // straight into the array: no NIO view made
        buf.getBytes(0, message.byteArray(), into, bufferBytes);
        bytes += bufferBytes;
      }
      to++;
    }
    // Pass 2: the header and the entries.
    KeptEgress kept = p.broker.kept;
    OutputFlyweight.putHeader(message, kept.last() + 1, p.broker.lastSeq, bytes);
    int at = OutputFlyweight.putCount(message, bytes, to - from);
    for (int i = from; i < to; i++) {
      int index = p.bufferIndex[i];
      int offset = index < 0 ? 0 : base[index] + p.offsets[i];
      at = OutputFlyweight.putEntry(message, at, p.connections[i], p.ops[i], offset, p.lengths[i]);
    }
    kept.add(message, 0, at);
    return to == from ? to + 1 : to; // an empty message (an ack) counts as sent
  }

  /** A buffer is copied from its start: slices point at absolute offsets in it. */
  private static int bufferLength(ByteBuf buf) {
    return buf.writerIndex();
  }
}
