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

  @Test
  void shouldTellTheSeqBeforeEachKeptMessageAndIgnoreOneHeldAlready() {
    assertThat(keep(7, "POST 7 0 a b\n")).isEqualTo(-1);
    keep(8);
    assertThat(keep(8, "POST 8 0 a b\n")).as("held already").isEqualTo(8);
    assertThat(copy.newest()).isEqualTo(8);
    assertThat(copy.lines()).isEqualTo(2);
  }
}
