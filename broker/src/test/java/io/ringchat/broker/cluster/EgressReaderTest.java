package io.ringchat.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.ringchat.broker.room.RecordingOutbound;
import io.ringchat.broker.stats.BrokerCounters;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A broker's egress without Aeron: the room's own encoder makes the messages ({@link
 * ClusterOutbound}, recorded), the reader applies them once and in order, asks again for what it
 * missed, and says what is gone for good; a clock the test moves paces the resyncs.
 */
class EgressReaderTest {
  private static final ClusterContext CONTEXT = new ClusterContext().conclude();
  private static final long RETRY_NS = 200_000_000L;

  private long now = 1_000;
  private final List<Long> acks = new ArrayList<>();
  private final List<String> missed = new ArrayList<>();
  private final RecordingOutbound written = new RecordingOutbound();
  private final ReplayCopy copy =
      new ReplayCopy(
          ByteBufAllocator.DEFAULT, 1000, 1 << 20, 1 << 20, written, new BrokerCounters());
  private final EgressReader reader =
      new EgressReader(
          written,
          ByteBufAllocator.DEFAULT,
          () -> now,
          RETRY_NS,
          new EgressReader.Listener() {
            @Override
            public void answered(long ack) {
              acks.add(ack);
            }

            @Override
            public void missed(long from, long to) {
              missed.add(from + ".." + to);
            }

            @Override
            public void resyncSent() {}

            @Override
            public void missedMessages(long from, long to) {
              missedMessages.add(from + ".." + to);
            }
          },
          copy);
  private final List<String> missedMessages = new ArrayList<>();

  // The room's side: one broker, its connection 101 as room-wide id 1, its egress recorded.
  private final RecordedOffers toBroker = new RecordedOffers();
  private final List<byte[]> egress = toBroker.taken;
  private final ConnectionIds ids = new ConnectionIds();
  private final Long2ObjectHashMap<BrokerSession> brokers = new Long2ObjectHashMap<>();
  private final ClusterOutbound room =
      new ClusterOutbound(ids.owners(), brokers, CONTEXT.maxOutputBytes());
  private final BrokerSession broker = new BrokerSession(null, toBroker, 300);
  private final RecordedOffers toRoom = new RecordedOffers();
  private final List<byte[]> resyncs = toRoom.taken;

  EgressReaderTest() {
    ids.put(broker, 101, 1);
    brokers.put(1, broker);
  }

  @AfterEach
  void letGo() {
    copy.close();
  }

  /** The room keeps message {@code seq} (its POST line goes to every broker's copy). */
  private byte[] kept(long seq) {
    ByteBuf line =
        Unpooled.copiedBuffer("POST " + seq + " 0 a m" + seq + "\n", StandardCharsets.UTF_8);
    room.kept(seq, line, 0, line.readableBytes());
    room.write(1, line, 0, line.readableBytes());
    line.release();
    room.endOfBatch();
    return toBroker.last();
  }

  @Test
  void shouldTellWhichMessagesWentWithEgressLostForGoodAtTheNextKeptMessage() {
    for (long seq = 1; seq <= 8; seq++) {
      kept(seq); // kept egress: 300 bytes, so the oldest go
    }
    deliver(egress.get(0));
    egress.clear();
    room.resend(broker, 1);
    egress.forEach(this::deliver);
    long first = broker.kept.firstKept();
    assertThat(missed).containsExactly("2.." + (first - 1));
    assertThat(missedMessages)
        .as("egress numbers are not the room's seqs: the next kept message says which went")
        .containsExactly("2.." + (first - 1));
    assertThat(copy.newest()).isEqualTo(8);
    assertThat(copy.filling())
        .as("the copy's run broke: it is filled again from the room, which may keep the rest")
        .isTrue();
    reader.sendFill(toRoom);
    assertThat(ControlFlyweights.HistoryFill.from(new UnsafeBuffer(toRoom.last()), 0))
        .as("from the message after the newest it held before the loss")
        .isEqualTo(2);
    assertThat(copy.lines()).as("held: 1; the live lines beside it until they meet").isEqualTo(1);
  }

  private byte[] line(String text, long ack) {
    broker.lastSeq = ack;
    room.write(1, Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8));
    room.endOfBatch();
    return toBroker.last();
  }

  private void deliver(byte[] message) {
    reader.onEgress(new UnsafeBuffer(message), 0, message.length);
  }

  private long lastResynced() {
    return ControlFlyweights.Resync.last(new UnsafeBuffer(resyncs.get(resyncs.size() - 1)), 0);
  }

  @Test
  void shouldApplyEachOutputOnceInOrderAndPassOnItsAcknowledgement() {
    byte[] one = line("MSG a one", 4);
    byte[] two = line("MSG a two", 5);
    deliver(one);
    deliver(two);
    deliver(one); // sent again after a resync
    assertThat(written.takeLines(101)).containsExactly("MSG a one", "MSG a two");
    reader.sendResync(toRoom);
    assertThat(resyncs).as("one applied already is no gap").isEmpty();
    assertThat(acks).containsExactly(4L, 5L);
    assertThat(reader.lastApplied()).isEqualTo(2);
  }

  @Test
  void shouldAskAgainForWhatItMissedAndApplyNothingOutOfOrder() {
    byte[] one = line("MSG a one", 1);
    byte[] two = line("MSG a two", 1);
    byte[] three = line("MSG a three", 1);
    deliver(one);
    deliver(three); // two was lost with a leader
    assertThat(written.takeLines(101)).containsExactly("MSG a one");
    reader.sendResync(toRoom);
    assertThat(resyncs).hasSize(1);
    assertThat(lastResynced()).isEqualTo(1);

    reader.sendResync(toRoom);
    assertThat(resyncs).as("not again before the retry interval").hasSize(1);
    now += RETRY_NS;
    reader.sendResync(toRoom);
    assertThat(resyncs).as("again while nothing answers").hasSize(2);

    deliver(two);
    deliver(three);
    assertThat(written.takeLines(101)).containsExactly("MSG a two", "MSG a three");
    now += RETRY_NS;
    reader.sendResync(toRoom);
    assertThat(resyncs).as("answered: no more resyncs").hasSize(2);
  }

  @Test
  void shouldSayWhatIsGoneForGoodAfterASkipAndGoOnAfterIt() {
    for (int i = 1; i <= 8; i++) {
      line("MSG a " + "y".repeat(60) + i, 0); // kept: 300 bytes, so the oldest go
    }
    deliver(egress.get(0));
    egress.clear();
    room.resend(broker, 1); // the reader's resync, answered
    assertThat(MessageHeader.type(new UnsafeBuffer(egress.get(0)), 0)).isEqualTo(ClusterWire.SKIP);
    egress.forEach(this::deliver);
    long first = broker.kept.firstKept();
    assertThat(missed).containsExactly("2.." + (first - 1));
    assertThat(reader.lastApplied()).isEqualTo(8);
    assertThat(written.takeLines(101)).hasSize(1 + (int) (8 - first + 1));
  }

  @Test
  void shouldApplyNothingOfAnotherLayoutVersion() {
    byte[] one = line("MSG a one", 1);
    one[MessageHeader.VERSION_OFFSET] = (byte) (ClusterWire.VERSION + 1);
    deliver(one);
    assertThat(written.takeLines(101)).isEmpty();
    assertThat(reader.lastApplied()).isZero();
  }

  @Test
  void shouldCountFromOneAgainOnANewSession() {
    deliver(line("MSG a one", 1));
    reader.restart();
    assertThat(reader.lastApplied()).isZero();
  }
}
