package io.ringchat.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.ringchat.broker.room.RecordingOutbound;
import io.ringchat.broker.stats.BrokerCounters;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A broker's copy of the room's history on its own: it holds an unbroken run of the newest
 * messages, starts afresh where the run breaks, and never replays what it cannot vouch for.
 */
class ReplayCopyTest {
  private final RecordingOutbound written = new RecordingOutbound();
  private final BrokerCounters counters = new BrokerCounters();
  private final ReplayCopy copy =
      new ReplayCopy(ByteBufAllocator.DEFAULT, 3, 1 << 20, 1 << 20, written, counters);

  @AfterEach
  void letGo() {
    copy.close();
  }

  private long keep(long seq, String line) {
    ByteBuf bytes = Unpooled.copiedBuffer(line, StandardCharsets.UTF_8);
    try {
      return copy.keep(seq, bytes, 0, bytes.readableBytes());
    } finally {
      bytes.release();
    }
  }

  private void keep(long seq) {
    keep(seq, "POST " + seq + " 0 ann m" + seq + "\n");
  }

  @Test
  void shouldReplayWhatItHoldsAndAnnounceWhatFellOutAsAGapOnlyToSince() {
    for (long seq = 1; seq <= 5; seq++) {
      keep(seq);
    }
    copy.replay(1, 1, 5, true);
    copy.replay(2, 1, 5, false);
    assertThat(written.takeLines(1))
        .containsExactly(
            "GAP 1 2", "POST 3 0 ann m3", "POST 4 0 ann m4", "POST 5 0 ann m5", "REPLAYED 3");
    assertThat(written.takeLines(2))
        .as("HISTORY gets fewer lines, no gap")
        .containsExactly("POST 3 0 ann m3", "POST 4 0 ann m4", "POST 5 0 ann m5", "REPLAYED 3");
  }

  @Test
  void shouldStartAfreshWhereItsRunBreaksAndNeverReplayWhenItIsNotAtTheRoomsNewest() {
    keep(1);
    keep(2);
    keep(4); // 3 was lost with the egress that carried it
    assertThat(copy.lines()).isEqualTo(1);
    copy.replay(1, 1, 4, true);
    assertThat(written.takeLines(1)).containsExactly("GAP 1 3", "POST 4 0 ann m4", "REPLAYED 1");

    copy.replay(2, 2, 6, true); // the room is at 6, the copy at 4: which does it hold?
    assertThat(written.takeLines(2)).containsExactly("GAP 2 6", "REPLAYED 0");
    copy.replay(3, 5, 6, false);
    assertThat(written.takeLines(3)).containsExactly("REPLAYED 0");
  }

  private void fillLine(long seq) {
    ByteBuf bytes =
        Unpooled.copiedBuffer("POST " + seq + " 0 ann m" + seq + "\n", StandardCharsets.UTF_8);
    copy.fillLine(seq, bytes, 0, bytes.readableBytes());
    bytes.release();
  }

  @Test
  void shouldFillFromTheRoomInPartsWhileHoldingLiveLinesBesideAndJoinThemWhereTheyMeet() {
    assertThat(copy.startFill()).as("an empty copy asks from the first").isEqualTo(1);
    keep(5); // live lines, while the fill goes on
    keep(6);
    copy.replay(1, 1, 6, true);
    assertThat(written.takeLines(1)).as("a replay asked during the fill waits for it").isEmpty();

    fillLine(3); // the part: 3 is the room's oldest kept, the part stops at 3 (its size)
    assertThat(copy.fillEnd(6)).as("the next part").isEqualTo(4);
    fillLine(4);
    fillLine(5);
    fillLine(6);
    assertThat(copy.fillEnd(6)).as("met the live lines: whole again").isEqualTo(-1);
    assertThat(copy.filling()).isFalse();
    assertThat(written.takeLines(1))
        .as("served once the fill is over, from the newest 3 the copy keeps")
        .containsExactly(
            "GAP 1 3", "POST 4 0 ann m4", "POST 5 0 ann m5", "POST 6 0 ann m6", "REPLAYED 3");
    keep(7);
    copy.replay(2, 1, 7, true);
    assertThat(written.takeLines(2))
        .containsExactly(
            "GAP 1 4", "POST 5 0 ann m5", "POST 6 0 ann m6", "POST 7 0 ann m7", "REPLAYED 3");
  }

  @Test
  void shouldEndAFillWhenTheRoomHasNothingMoreOrWhenItCaughtUpWithAQuietRoom() {
    copy.startFill();
    assertThat(copy.fillEnd(4)).as("the room keeps nothing").isEqualTo(-1);
    assertThat(copy.filling()).isFalse();

    copy.startFill();
    fillLine(3);
    fillLine(4);
    assertThat(copy.fillEnd(4)).as("caught up with a room that said nothing since").isEqualTo(-1);
    keep(5);
    assertThat(copy.newest()).isEqualTo(5);
    assertThat(copy.lines()).isEqualTo(3);

    assertThat(copy.startFill()).as("a new session: from after what it holds").isEqualTo(6);
    keep(9);
    assertThat(copy.fillEnd(9)).as("nothing between what it held and the live lines").isEqualTo(-1);
    assertThat(copy.newest()).isEqualTo(9);
    assertThat(copy.lines()).as("the run broke: the live lines alone").isEqualTo(1);
  }

  private static ByteBuf line(long seq) {
    return Unpooled.copiedBuffer("POST " + seq + " 0 ann m" + seq + "\n", StandardCharsets.UTF_8);
  }

  private static void keep(ReplayCopy into, long seq) {
    ByteBuf bytes = line(seq);
    into.keep(seq, bytes, 0, bytes.readableBytes());
    bytes.release();
  }

  private static void fillLine(ReplayCopy into, long seq) {
    ByteBuf bytes = line(seq);
    into.fillLine(seq, bytes, 0, bytes.readableBytes());
    bytes.release();
  }

  /** The room writes line {@code seq} to {@code connection}, whose replay waits. */
  private static void hold(ReplayCopy into, long connection, long seq, boolean close) {
    assertThat(into.waits(connection)).isTrue();
    ByteBuf bytes = line(seq);
    into.hold(connection, bytes, 0, bytes.readableBytes(), close);
    bytes.release();
  }

  @Test
  void shouldServeTheReplaysAskedDuringAFillWhenItEndsEachBeforeWhatFollowedIt() {
    ReplayCopy big =
        new ReplayCopy(ByteBufAllocator.DEFAULT, 100, 1 << 20, 1 << 20, written, counters);
    try {
      big.startFill(); // a new session: what the room said before it comes in parts
      keep(big, 5);
      keep(big, 6);
      big.replay(1, 2, 6, true); // SINCE 1 at a room whose newest is 6
      hold(big, 1, 7, false); // the room's next line to it...
      keep(big, 7); // ...and to the copy
      big.replay(2, 7, 7, true); // SINCE 6 at 7
      assertThat(written.takeLines(1)).isEmpty();
      assertThat(written.takeLines(2)).isEmpty();
      assertThat(big.waits(3)).isFalse();

      for (long seq = 1; seq <= 4; seq++) {
        fillLine(big, seq);
      }
      assertThat(big.fillEnd(7)).isEqualTo(-1);

      assertThat(written.takeLines(1))
          .as("nothing twice, nothing skipped, and no GAP for what the fill brought")
          .containsExactly(
              "POST 2 0 ann m2",
              "POST 3 0 ann m3",
              "POST 4 0 ann m4",
              "POST 5 0 ann m5",
              "POST 6 0 ann m6",
              "REPLAYED 5",
              "POST 7 0 ann m7");
      assertThat(written.takeLines(2)).containsExactly("POST 7 0 ann m7", "REPLAYED 1");
      assertThat(big.waits(1)).isFalse();
      assertThat(counters.gaps()).isZero();
    } finally {
      big.close();
    }
  }

  @Test
  void shouldServeAWaitingReplayAtOnceWhenItsMemberIsClosedOrWasWrittenMoreThanItMayHold() {
    // 40 bytes held at most (the smaller of --history-bytes and --max-pending): two 16-byte lines
    ReplayCopy small =
        new ReplayCopy(ByteBufAllocator.DEFAULT, 100, 1 << 20, 40, written, counters);
    try {
      small.startFill();
      keep(small, 5);
      small.replay(1, 2, 5, true);
      small.replay(2, 2, 5, true);
      hold(small, 1, 6, false);
      hold(small, 1, 7, false);
      assertThat(written.takeLines(1)).as("32 bytes held").isEmpty();
      hold(small, 1, 8, false);
      assertThat(written.takeLines(1))
          .as("48 held: served now, from what the copy holds")
          .containsExactly(
              "GAP 2 4",
              "POST 5 0 ann m5",
              "REPLAYED 1",
              "POST 6 0 ann m6",
              "POST 7 0 ann m7",
              "POST 8 0 ann m8");
      assertThat(small.waits(1)).isFalse();

      hold(small, 2, 6, true); // its last line, then closed
      assertThat(written.takeLines(2))
          .containsExactly("GAP 2 4", "POST 5 0 ann m5", "REPLAYED 1", "POST 6 0 ann m6");
      assertThat(written.closed).contains(2L);
      assertThat(small.waits(2)).isFalse();
    } finally {
      small.close();
    }
  }

  @Test
  void shouldDropAWaitingReplayAndWhatItHeldWhenItsMemberIsForgotten() {
    ReplayCopy big =
        new ReplayCopy(ByteBufAllocator.DEFAULT, 100, 1 << 20, 1 << 20, written, counters);
    try {
      big.startFill();
      keep(big, 5);
      big.replay(1, 2, 5, true);
      ByteBuf bytes = line(6);
      big.write(1, bytes, 0, bytes.readableBytes(), false); // held behind the replay
      assertThat(bytes.refCnt()).isEqualTo(2);

      big.forget(1); // disconnected, or closed by its broker (ERR unavailable)
      assertThat(bytes.refCnt()).as("what it held is let go").isEqualTo(1);
      bytes.release();
      assertThat(big.waits(1)).isFalse();
      big.forget(2); // a member with no replay waiting: nothing to do

      for (long seq = 1; seq <= 4; seq++) {
        fillLine(big, seq);
      }
      assertThat(big.fillEnd(5)).isEqualTo(-1);
      assertThat(written.takeLines(1))
          .as("not served: it would have been written to a member that asks again elsewhere")
          .isEmpty();
      assertThat(counters.gaps()).isZero();
    } finally {
      big.close();
    }
  }

  @Test
  void shouldLetGoOfWhatWaitingReplaysHeldWhenClosed() {
    ReplayCopy copy2 =
        new ReplayCopy(ByteBufAllocator.DEFAULT, 100, 1 << 20, 1 << 20, written, counters);
    copy2.startFill();
    copy2.replay(1, 1, 4, true);
    ByteBuf bytes = line(5);
    copy2.hold(1, bytes, 0, bytes.readableBytes(), false);
    assertThat(bytes.refCnt()).as("a retained slice is held").isEqualTo(2);
    copy2.close();
    assertThat(bytes.refCnt()).as("released with the copy").isEqualTo(1);
    bytes.release();
    assertThat(written.takeLines(1)).isEmpty();
  }

  @Test
  void shouldTellTheSeqBeforeEachKeptMessageAndIgnoreOneHeldAlready() {
    assertThat(keep(7, "POST 7 0 a b\n")).isEqualTo(-1);
    keep(8);
    assertThat(keep(8, "POST 8 0 a b\n")).as("held already").isEqualTo(8);
    assertThat(copy.newest()).isEqualTo(8);
    assertThat(copy.lines()).isEqualTo(2);
  }
}
