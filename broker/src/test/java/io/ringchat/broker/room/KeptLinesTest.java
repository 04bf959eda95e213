package io.ringchat.broker.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The history's store alone: what it keeps, what it lets go of, and what a replay holds on to. */
class KeptLinesTest {
  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

  @Test
  void shouldKeepTheNewestLinesInOrderAcrossChunksAndIndexWrapAround() {
    KeptLines kept = new KeptLines(ALLOC, 500, Long.MAX_VALUE);
    String pad = "x".repeat(300); // about 200 lines per chunk: several chunks
    for (long seq = 1; seq <= 2_000; seq++) {
      keep(kept, "L" + seq + " " + pad);
    }

    assertThat(kept.lines()).isEqualTo(500);
    assertThat(kept.firstSeq(2_000)).isEqualTo(1_501);
    CompositeByteBuf replay = ALLOC.compositeDirectBuffer(Integer.MAX_VALUE);
    assertThat(kept.replay(1_990, 2_000, replay)).isEqualTo(11);
    String[] lines = replay.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(11);
    assertThat(lines[0]).startsWith("L1990 ");
    assertThat(lines[10]).startsWith("L2000 ");
    assertThat(replay.numComponents()).as("one slice per chunk run").isLessThanOrEqualTo(2);
    replay.release();

    // A range that ends before the newest, across a chunk's end: exactly from..to.
    CompositeByteBuf range = ALLOC.compositeDirectBuffer(Integer.MAX_VALUE);
    assertThat(kept.replay(1_501, 1_900, 2_000, range)).isEqualTo(400);
    String[] ranged = range.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(ranged).hasSize(400);
    assertThat(ranged[0]).startsWith("L1501 ");
    assertThat(ranged[399]).startsWith("L1900 ");
    range.release();
    CompositeByteBuf none = ALLOC.compositeDirectBuffer(Integer.MAX_VALUE);
    assertThat(kept.replay(1_700, 1_699, 2_000, none)).isZero();
    assertThat(none.readableBytes()).isZero();
    none.release();
    kept.clear();
  }

  @Test
  void shouldLetGoOfChunksWhoseLinesFellOutButNotWhileAReplayHoldsThem() {
    KeptLines kept = new KeptLines(ALLOC, 10, Long.MAX_VALUE);
    String big = "y".repeat(KeptLines.CHUNK_BYTES / 2 + 1); // one line per chunk
    keep(kept, big);
    CompositeByteBuf replay = ALLOC.compositeDirectBuffer(Integer.MAX_VALUE);
    kept.replay(1, 1, replay);
    ByteBuf firstChunk = replay.internalComponent(0).unwrap();
    assertThat(firstChunk).isNotNull();

    for (long seq = 2; seq <= 12; seq++) {
      keep(kept, big);
    }

    assertThat(kept.firstSeq(12)).isEqualTo(3);
    assertThat(firstChunk.refCnt()).as("held by the replay only").isEqualTo(1);
    assertThat(replay.toString(StandardCharsets.UTF_8)).isEqualTo(big + "\n");
    replay.release();
    assertThat(firstChunk.refCnt()).isZero();
    kept.clear();
  }

  @Test
  void shouldKeepNothingWhenEitherLimitIsZeroOrALineIsOverTheBudget() {
    KeptLines none = new KeptLines(ALLOC, 0, 1 << 20);
    keep(none, "a");
    assertThat(none.lines()).isZero();
    assertThat(none.firstSeq(1)).isEqualTo(2);

    KeptLines small = new KeptLines(ALLOC, 10, 10);
    keep(small, "abc");
    keep(small, "a line longer than the whole budget");
    assertThat(small.lines()).isZero();
    assertThat(small.bytes()).isZero();
    assertThat(small.firstSeq(2)).isEqualTo(3);
    keep(small, "abc");
    assertThat(small.lines()).isEqualTo(1);
    small.clear();
  }

  /** Keeps {@code line} as the room's newest message. */
  private static void keep(KeptLines kept, String line) {
    ByteBuf buf = Unpooled.copiedBuffer(line + "\n", StandardCharsets.UTF_8);
    kept.keep(buf, 0, buf.readableBytes());
    buf.release();
  }
}
