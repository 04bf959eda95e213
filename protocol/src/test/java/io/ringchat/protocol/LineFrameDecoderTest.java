package io.ringchat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LineFrameDecoderTest {
  private final EmbeddedChannel channel = new EmbeddedChannel(new LineFrameDecoder(8));

  @AfterEach
  void closeChannel() {
    channel.finishAndReleaseAll();
  }

  @Test
  void shouldSplitLinesOnLineFeed() {
    write("JOIN bob\nWHO\n");

    assertThat(readAll()).containsExactly("JOIN bob", "WHO");
  }

  @Test
  void shouldDropCarriageReturnBeforeLineFeedOnly() {
    write("WHO\r\nA\rB\n");

    assertThat(readAll()).containsExactly("WHO", "A\rB");
  }

  @Test
  void shouldIgnoreEmptyLines() {
    write("\n\r\n\nWHO\n\n");

    assertThat(readAll()).containsExactly("WHO");
  }

  @Test
  void shouldHoldPartialLineUntilItsLineFeedArrives() {
    write("SEN");
    assertThat(readAll()).isEmpty();

    write("D x\nPI");
    assertThat(readAll()).containsExactly("SEND x");

    write("NG\n");
    assertThat(readAll()).containsExactly("PING");
  }

  @Test
  void shouldAcceptLineOfExactlyTheLimitWithOrWithoutCarriageReturn() {
    write("12345678\n12345678\r\n");

    assertThat(readAll()).containsExactly("12345678", "12345678");
  }

  @Test
  void shouldReportTooLongLineOnceAndCarryOnAfterIt() {
    write("123456789\nWHO\n");

    assertThat(readAllIncludingTooLong()).containsExactly("<too long>", "WHO");
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void shouldFailFastBeforeTheLineFeedOfTooLongLineArrives() {
    write("123456789");
    assertThat(readAllIncludingTooLong()).containsExactly("<too long>");

    write("more bytes that are discarded");
    write("still discarding");
    assertThat(readAllIncludingTooLong()).isEmpty();

    write("end\nPING\n");
    assertThat(readAllIncludingTooLong()).containsExactly("PING");
  }

  @Test
  void shouldNotBufferTheDiscardedPartOfTooLongLine() {
    LineFrameDecoder decoder = new LineFrameDecoder(8);
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    for (int i = 0; i < 1000; i++) {
      ch.writeInbound(Unpooled.wrappedBuffer(new byte[1024]));
    }
    assertThat(decoder.bufferedBytes()).isZero();
    Object first = ch.readInbound();
    Object second = ch.readInbound();
    assertThat(first).isSameAs(LineTooLong.INSTANCE);
    assertThat(second).isNull();
    ch.finishAndReleaseAll();
  }

  @Test
  void shouldWaitForLineFeedWhenLimitPlusOneEndsInCarriageReturn() {
    write("12345678\r");
    assertThat(readAllIncludingTooLong()).isEmpty();

    write("\n");
    assertThat(readAllIncludingTooLong()).containsExactly("12345678");
  }

  @Test
  void shouldReportTooLongWhenCarriageReturnAtLimitPlusOneIsNotFollowedByLineFeed() {
    write("12345678\r");
    write("x");

    assertThat(readAllIncludingTooLong()).containsExactly("<too long>");
  }

  @Test
  void shouldKeepBytesVerbatimIncludingInvalidUtf8() {
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {'A', (byte) 0xFF, 0, '\n'}));

    ByteBuf line = channel.readInbound();
    assertThat(ByteBufBytes.of(line)).containsExactly('A', (byte) 0xFF, 0);
    line.release();
  }

  private void write(String s) {
    channel.writeInbound(Unpooled.copiedBuffer(s, StandardCharsets.UTF_8));
  }

  private List<String> readAll() {
    List<String> lines = readAllIncludingTooLong();
    assertThat(lines).doesNotContain("<too long>");
    return lines;
  }

  private List<String> readAllIncludingTooLong() {
    List<String> lines = new ArrayList<>();
    for (Object o = channel.readInbound(); o != null; o = channel.readInbound()) {
      if (o == LineTooLong.INSTANCE) {
        lines.add("<too long>");
      } else {
        ByteBuf buf = (ByteBuf) o;
        lines.add(buf.toString(StandardCharsets.UTF_8));
        buf.release();
      }
    }
    return lines;
  }
}
