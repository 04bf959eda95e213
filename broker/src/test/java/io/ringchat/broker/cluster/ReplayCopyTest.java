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
      new ReplayCopy(ByteBufAllocator.DEFAULT, 3, 1 << 20, written, counters);

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
    assertThat(written.takeLines(1))
        .as("while filling, the live lines serve a replay at the room's newest")
        .containsExactly("GAP 1 4", "POST 5 0 ann m5", "POST 6 0 ann m6", "REPLAYED 2");

    fillLine(3); // the part: 3 is the room's oldest kept, the part stops at 3 (its size)
    assertThat(copy.fillEnd(6)).as("the next part").isEqualTo(4);
    fillLine(4);
    fillLine(5);
    fillLine(6);
    assertThat(copy.fillEnd(6)).as("met the live lines: whole again").isEqualTo(-1);
    assertThat(copy.filling()).isFalse();
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

  @Test
  void shouldTellTheSeqBeforeEachKeptMessageAndIgnoreOneHeldAlready() {
    assertThat(keep(7, "POST 7 0 a b\n")).isEqualTo(-1);
    keep(8);
    assertThat(keep(8, "POST 8 0 a b\n")).as("held already").isEqualTo(8);
    assertThat(copy.newest()).isEqualTo(8);
    assertThat(copy.lines()).isEqualTo(2);
  }
}
