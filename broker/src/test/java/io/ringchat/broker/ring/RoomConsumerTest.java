package io.ringchat.broker.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.ringchat.broker.room.RecordingOutbound;
import io.ringchat.broker.room.Room;
import io.ringchat.broker.stats.BrokerCounters;
import io.ringchat.protocol.ErrorCode;
import io.ringchat.protocol.Names;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The adapter from ring events to the room's calls: ownership, batch ends, failures, shutdown. */
class RoomConsumerTest {
  private final RecordingOutbound out = new RecordingOutbound();
  private final Room room = new Room(ByteBufAllocator.DEFAULT, out, new BrokerCounters(), 1000, 64);
  private long sequence;

  @Test
  void shouldCallTheRoomForEachEventAndEndItsBatchWithTheRingBatch() {
    RoomConsumer consumer = new RoomConsumer(room, RoomObserver.NONE);
    ByteBuf text = utf8("hi");

    deliver(consumer, false, EventKind.JOIN, 1, Names.parse("a").name());
    deliver(consumer, false, EventKind.JOIN, 2, Names.parse("b").name());
    deliver(consumer, false, EventKind.SEND, 1, text);
    assertThat(out.takeLines(2)).as("the segment is still open").containsExactly("WELCOME b 2");
    deliver(consumer, true, EventKind.REJECT, 2, ErrorCode.BAD_TEXT);

    assertThat(out.takeLines(2)).first().isEqualTo("MSG a hi");
    assertThat(text.refCnt()).as("the event's buffer is released").isZero();
  }

  @Test
  void shouldReleaseTheEventAndEndTheBatchEvenWhenTheRoomThrows() {
    RoomConsumer consumer =
        new RoomConsumer(
            room,
            event -> {
              if (event.kind() == EventKind.PING) {
                throw new IllegalStateException("injected");
              }
            });
    deliver(consumer, true, EventKind.JOIN, 1, Names.parse("a").name());
    deliver(consumer, true, EventKind.JOIN, 2, Names.parse("b").name());
    out.takeLines(2);
    ByteBuf token = utf8("t");

    deliver(consumer, false, EventKind.SEND, 1, utf8("before"));
    assertThatThrownBy(() -> deliver(consumer, true, EventKind.PING, 2, token))
        .hasRootCauseMessage("injected")
        .hasMessageContaining("PING");

    assertThat(out.takeLines(2)).containsExactly("MSG a before");
    assertThat(token.refCnt()).isZero();
  }

  @Test
  void shouldReportStoppedOnceTheRoomHandledShutdown() throws InterruptedException {
    RoomConsumer consumer = new RoomConsumer(room, RoomObserver.NONE);
    assertThat(consumer.awaitStopped(1)).isFalse();

    deliver(consumer, true, EventKind.SHUTDOWN, 0, null);

    assertThat(consumer.awaitStopped(1)).isTrue();
  }

  private void deliver(
      RoomConsumer consumer, boolean endOfBatch, EventKind kind, long connection, Object detail) {
    RingEvent event = new RingEvent();
    event.set(kind, connection, detail);
    consumer.onEvent(event, sequence++, endOfBatch);
  }

  private static ByteBuf utf8(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
  }
}
