package io.ringchat.broker.net;

import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Fixed-size read buffers, with one read handle per event loop rather than one per connection.
 *
 * <p>Netty asks a channel's allocator for a handle the first time the channel reads, and keeps it
 * for the channel's life: about 72 bytes a connection (the handle and its "more data?" supplier),
 * held by every idle member. A fixed-size handle carries nothing from one read to the next: each
 * read of a channel starts with {@code reset(config)}, runs to {@code readComplete()} on the
 * channel's event loop, and a loop reads one channel at a time (a read never starts another
 * channel's read inline: resuming reads is a task). So the channels of one loop can share one
 * handle, asked for on that loop (Netty asks on the loop, at the first read), and an idle
 * connection holds nothing for reading.
 *
 * <p>Thread-safe: each event loop gets its own handle.
 */
public final class LoopReadBuffers implements RecvByteBufAllocator {
  private final FixedRecvByteBufAllocator fixed;
  private final FastThreadLocal<ExtendedHandle> handles =
      new FastThreadLocal<>() {
        @Override
        protected ExtendedHandle initialValue() {
          // Netty's fixed-size handle is an ExtendedHandle, as the epoll and NIO channels expect.
          return (ExtendedHandle) fixed.newHandle();
        }
      };

  /**
   * @param bufferBytes every read's buffer size
   */
  public LoopReadBuffers(int bufferBytes) {
    this.fixed = new FixedRecvByteBufAllocator(bufferBytes);
  }

  /** The calling event loop's handle, shared by every channel of that loop. */
  @Override
  public ExtendedHandle newHandle() {
    return handles.get();
  }
}
