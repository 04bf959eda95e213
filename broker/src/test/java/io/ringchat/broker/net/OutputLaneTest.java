package io.ringchat.broker.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.ringchat.broker.room.Room;
import io.ringchat.broker.stats.BrokerCounters;
import io.ringchat.protocol.Names;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The room's writes through the real {@link EventLoopOutbound}, lanes and write batches, with every
 * connection on one event loop as with the broker's single I/O thread. The loop is an embedded
 * channel's that nobody writes to (an embedded channel runs its loop's tasks after each write to
 * it, which a real loop never does in the middle of a task); the test runs it when it is the I/O
 * thread's turn.
 */
class OutputLaneTest {
  private final EmbeddedChannel loopChannel = new EmbeddedChannel();
  private final ConnectionTable table = new ConnectionTable(0, loopChannel.eventLoop());
  private final EmbeddedChannel[] channels = new EmbeddedChannel[3];
  private final long[] ids = new long[3];
  private Room room;

  OutputLaneTest() {
    for (int i = 0; i < channels.length; i++) {
      channels[i] = new EmbeddedChannel();
      ids[i] = table.open(channels[i]).id();
    }
    room =
        new Room(
            ByteBufAllocator.DEFAULT,
            // The wake-up the ring would carry: an empty ring batch, whose end hands over.
            new EventLoopOutbound(new ConnectionTable[] {table}, () -> room.endBatch()),
            new BrokerCounters(),
            1000,
            4096);
  }

  @AfterEach
  void close() {
    loopChannel.finishAndReleaseAll();
    for (EmbeddedChannel channel : channels) {
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void shouldMergeRingBatchesIntoOneSliceWhileTheLoopHasNotTakenItsBatch() {
    joinAll();

    send(0, "1"); // the loop is free: handed over at once
    send(0, "2"); // the loop has not taken "1" yet: held back ...
    send(2, "3"); // ... and merged into the same open segment
    runLoop(); // the loop takes "1", wakes the room, which hands over "2" and "3"

    assertThat(writesTo(1)).as("one slice for 1, one for 2 and 3").isEqualTo(2);
    send(0, "4");
    runLoop();
    assertThat(received(2)).isEqualTo("MSG a 1\nMSG a 2\nMSG a 4\n");
  }

  @Test
  void shouldHandEverythingOverOnShutdownEvenWhileTheLoopIsBusy() {
    joinAll();
    send(0, "1"); // the loop is busy from here on
    send(0, "2");

    room.onShutdown();
    runLoop();

    assertThat(received(1)).isEqualTo("MSG a 1\nMSG a 2\n");
  }

  @Test
  void shouldDropWritesForAConnectionThatClosedEvenIfItsSlotWasTakenAgain() {
    joinAll();
    send(0, "for c"); // queued for connection 2's id, not yet written
    table.close(table.get(ids[2]));
    EmbeddedChannel newcomer = new EmbeddedChannel();
    long newId = table.open(newcomer).id();
    runLoop();

    assertThat(newId).as("same slot, new generation").isNotEqualTo(ids[2]);
    assertThat(ConnectionId.slot(newId)).isEqualTo(ConnectionId.slot(ids[2]));
    Object nothing = newcomer.readOutbound();
    assertThat(nothing).isNull();
    assertThat(received(1)).isEqualTo("MSG a for c\n");
    newcomer.finishAndReleaseAll();
  }

  @Test
  void shouldStopTheJoinTimeoutOfAConnectionOnceTheRoomSeatedIt() {
    room.onJoin(ids[0], Names.parse("a").name());
    assertThat(table.get(ids[0]).isJoined()).as("not before the loop ran the batch").isFalse();

    room.endBatch();
    runLoop();

    assertThat(table.get(ids[0]).isJoined()).isTrue();
    assertThat(table.get(ids[1]).isJoined()).isFalse();
  }

  private void joinAll() {
    String[] names = {"a", "b", "c"};
    for (int i = 0; i < ids.length; i++) {
      room.onJoin(ids[i], Names.parse(names[i]).name());
    }
    room.endBatch();
    runLoop();
    for (int i = 0; i < ids.length; i++) {
      received(i);
    }
  }

  private void send(int connection, String text) {
    ByteBuf buf = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    room.onSend(ids[connection], buf);
    buf.release();
    room.endBatch();
  }

  private void runLoop() {
    loopChannel.runPendingTasks();
  }

  private String received(int connection) {
    StringBuilder text = new StringBuilder();
    for (ByteBuf buf = channels[connection].readOutbound();
        buf != null;
        buf = channels[connection].readOutbound()) {
      text.append(buf.toString(StandardCharsets.UTF_8));
      buf.release();
    }
    return text.toString();
  }

  private int writesTo(int connection) {
    int writes = 0;
    for (ByteBuf buf = channels[connection].readOutbound();
        buf != null;
        buf = channels[connection].readOutbound()) {
      writes++;
      buf.release();
    }
    return writes;
  }
}
