package io.ringchat.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/** Test helper: the readable bytes of a buffer, without consuming them. */
final class ByteBufBytes {
  private ByteBufBytes() {}

  static byte[] of(ByteBuf buf) {
    return ByteBufUtil.getBytes(buf);
  }
}
