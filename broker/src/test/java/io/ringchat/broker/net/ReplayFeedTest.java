package io.ringchat.broker.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A replay written in parts to a socket that drains only when the test says so: an outbound handler
 * that holds each write and its promise, as a full socket would.
 */
class ReplayFeedTest {
  private static final int MAX_PENDING = 1024;

  /** Writes that reached the "socket", not yet drained, and those drained, as text. */
  private final List<Object> held = new ArrayList<>();

  private final List<ChannelPromise> promises = new ArrayList<>();
  private final StringBuilder drained = new StringBuilder();
  private final EmbeddedChannel channel =
      new EmbeddedChannel(
          new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
              held.add(msg);
              promises.add(promise);
            }
          });
  private final Connection connection = new Connection(channel, 1);
  private boolean overflowed;

  ReplayFeedTest() {
    channel
        .config()
        .setWriteBufferWaterMark(new WriteBufferWaterMark(MAX_PENDING / 2, MAX_PENDING));
    connection.onReplayOverflow(() -> overflowed = true);
  }

  @AfterEach
  void close() {
    drainAll();
    channel.finishAndReleaseAll();
  }

  @Test
  void shouldWriteTheReplayInPartsOfWholeLinesEachAfterTheLastDrained() {
    connection.startReplay(lines(100, 40)); // 4,000 bytes: parts of at most 512 bytes

    assertThat(held).hasSize(1);
    int parts = 0;
    while (!held.isEmpty()) {
      String part = drainOne();
      assertThat(part.length()).isLessThanOrEqualTo(MAX_PENDING / 2);
      assertThat(part).endsWith("\n");
      parts++;
    }

    assertThat(parts).isGreaterThanOrEqualTo(8);
    assertThat(drained.toString()).isEqualTo(lines(100, 40).toString(StandardCharsets.UTF_8));
    assertThat(connection.replay()).isNull();
  }

  @Test
  void shouldQueueWhatComesDuringTheReplayBehindItInOrderAndCloseAfterIt() {
    connection.startReplay(lines(30, 40));
    connection.replay().hold(utf8("POST live 1\n"), false);
    connection.replay().hold(utf8("BYE\n"), true);
    connection.replay().hold(utf8("never\n"), false);

    drainAll();

    assertThat(drained.toString())
        .isEqualTo(lines(30, 40).toString(StandardCharsets.UTF_8) + "POST live 1\n" + "BYE\n");
    assertThat(channel.isOpen()).as("closed after the BYE").isFalse();
  }

  @Test
  void shouldRemoveTheConnectionWhenWhatWaitsBehindTheReplayPassesMaxPending() {
    connection.startReplay(lines(100, 40));
    ByteBuf live = utf8("x".repeat(300) + "\n");

    connection.replay().hold(live.retainedDuplicate(), false);
    connection.replay().hold(live.retainedDuplicate(), false);
    connection.replay().hold(live.retainedDuplicate(), false);
    assertThat(overflowed).as("900 bytes wait").isFalse();
    connection.replay().hold(live.retainedDuplicate(), false);

    assertThat(overflowed).as("1,204 bytes wait, over 1,024").isTrue();
    assertThat(connection.replay()).isNull();
    assertThat(live.refCnt()).as("the queued lines were let go of").isEqualTo(1);
    live.release();
  }

  @Test
  void shouldNeverCountTheReplayItselfAgainstMaxPending() {
    connection.startReplay(lines(1000, 40)); // 40 times the limit

    drainAll();

    assertThat(overflowed).isFalse();
    assertThat(channel.isOpen()).isTrue();
    assertThat(drained.length()).isEqualTo(40_000);
  }

  /** Lets the socket take the oldest held write; returns its text. */
  private String drainOne() {
    Object msg = held.remove(0);
    ChannelPromise promise = promises.remove(0);
    String text = ((ByteBuf) msg).toString(StandardCharsets.UTF_8);
    drained.append(text);
    ((ByteBuf) msg).release();
    promise.setSuccess(); // the feed's listener writes the next part
    channel.runPendingTasks();
    return text;
  }

  private void drainAll() {
    while (!held.isEmpty()) {
      drainOne();
    }
  }

  /** {@code n} lines of {@code length} bytes each, LF included. */
  private static ByteBuf lines(int n, int length) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < n; i++) {
      String head = "POST " + i + " ";
      text.append(head).append("z".repeat(length - head.length() - 1)).append('\n');
    }
    return utf8(text.toString());
  }

  private static ByteBuf utf8(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
  }
}
