package io.ringchat.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

/** Encodes client-to-server frames. Stateless: any thread may call these. */
public final class ClientFrames {
  private ClientFrames() {}

  /** Encodes {@code COMMAND\n}. */
  public static ByteBuf encode(ByteBufAllocator alloc, Command command) {
    ByteBuf out = alloc.buffer(command.word().length() + 1);
    ByteBufUtil.writeAscii(out, command.word());
    return out.writeByte('\n');
  }

  /**
   * Encodes {@code COMMAND <argument>\n}. The argument must not contain LF; the broker judges the
   * rest.
   */
  public static ByteBuf encode(ByteBufAllocator alloc, Command command, String argument) {
    if (argument.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("an argument cannot contain a line feed");
    }
    ByteBuf out = alloc.buffer(command.word().length() + 2 + ByteBufUtil.utf8MaxBytes(argument));
    ByteBufUtil.writeAscii(out, command.word());
    out.writeByte(' ');
    ByteBufUtil.writeUtf8(out, argument);
    return out.writeByte('\n');
  }
}
