package io.ringchat.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.ringchat.broker.room.HistoryOptions;
import io.ringchat.broker.room.RecordingOutbound;
import io.ringchat.broker.room.Room;
import io.ringchat.broker.stats.BrokerCounters;
import io.ringchat.broker.stats.RoundTripHops;
import io.ringchat.broker.stats.RoundTripHops.Hop;
import io.ringchat.protocol.JoinPosition;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The clustered room's input without Aeron, end to end in one thread: two brokers' ingress as their
 * sequencers encode it, applied by the room once per seq, the room's egress read back by each
 * broker's reader into what its connections would be written.
 */
class RoomIngressTest {
  private static final ClusterContext CONTEXT = new ClusterContext().conclude();

  /** One broker: its sequencer, the room's record of it, and its reader. */
  private final class Side {
    final RecordedOffers ingress = new RecordedOffers();
    final List<Long> acks = new ArrayList<>();
    final RecordingOutbound written = new RecordingOutbound();
    final ReplayCopy copy =
        new ReplayCopy(
            ByteBufAllocator.DEFAULT, 3, 1 << 20, 1 << 20, written, new BrokerCounters());
    final RoundTripHops hops = new RoundTripHops();
    final IngressSequencer sequencer;
    final BrokerSession session = new BrokerSession(null, this::egress, CONTEXT.keptEgressBytes());
    final EgressReader reader =
        new EgressReader(
            written,
            ByteBufAllocator.DEFAULT,
            () -> 0,
            1,
            new EgressReader.Listener() {
              @Override
              public void answered(long ack) {
                acks.add(ack);
                sequencer.answered(ack);
              }

              @Override
              public void missed(long from, long to) {}

              @Override
              public void resyncSent() {}

              @Override
              public void traced(long offeredAt, long appendedAt, long appliedAt, long doneAt) {
                tracer.answered(offeredAt, appendedAt, appliedAt, doneAt);
              }
            },
            copy);
    final RoundTripTracer tracer;

    /** A broker that traces no round trip. */
    Side() {
      this(0);
    }

    /**
     * A broker that traces a round trip at most every {@code traceIntervalNs} of {@link #epoch}.
     */
    Side(long traceIntervalNs) {
      tracer = new RoundTripTracer(() -> epoch, traceIntervalNs, hops);
      sequencer = new IngressSequencer(() -> epoch, 1_000, 500, c -> {}, 64 * 1024, tracer);
    }

    /** The bytes of the egress this broker got, all messages together. */
    long egressBytes;

    private boolean egress(DirectBuffer buffer, int offset, int length) {
      egressBytes += length;
      reader.onEgress(buffer, offset, length);
      return true;
    }

    /** Seals the batch and hands the message made to the room; returns it. */
    byte[] batch() {
      sequencer.seal();
      sequencer.sendUnsent(ingress);
      byte[] message = ingress.last();
      apply(message);
      return message;
    }

    void apply(byte[] message) {
      roomIngress.onEvents(session, new UnsafeBuffer(message), 0, appendedAt);
      room.endBatch();
    }

    void join(long connection, String name) {
      sequencer.add(ClusterWire.JOIN, connection, name.getBytes(StandardCharsets.UTF_8));
    }

    void join(long connection, String name, JoinPosition position) {
      sequencer.add(ClusterWire.JOIN_POSITIONED, connection, JoinDetail.encode(name, position));
    }

    void send(long connection, String text) {
      sequencer.add(
          ClusterWire.SEND, connection, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }
  }

  private final ConnectionIds ids = new ConnectionIds();
  private final Long2ObjectHashMap<BrokerSession> brokers = new Long2ObjectHashMap<>();
  private final ClusterOutbound out =
      new ClusterOutbound(ids.owners(), brokers, CONTEXT.maxOutputBytes());
  private long millis = 1_764_770_000_000L;
  private final Room room =
      new Room(
          ByteBufAllocator.DEFAULT,
          out,
          new BrokerCounters(),
          100,
          4096,
          Room.MAX_SEGMENT_BYTES,
          new HistoryOptions("e1", 3, 1 << 20, () -> millis));

  /** The test's epoch clock (ns), for round-trip traces; the log's timestamp of each message. */
  private long epoch = 1_000_000;

  private long appendedAt;

  /** How far the room's reads of the clock move it (its work takes time). */
  private long roomTicks;

  private final RoomIngress roomIngress =
      new RoomIngress(
          room,
          out,
          ids,
          () -> {
            epoch += roomTicks;
            return epoch - roomTicks;
          });
  private final Side a = new Side();
  private final Side b = new Side();

  RoomIngressTest() {
    brokers.put(1, a.session);
    brokers.put(2, b.session);
  }

  @AfterEach
  void letGo() {
    room.onShutdown();
    a.copy.close();
    b.copy.close();
  }

  @Test
  void shouldServeAPositionedJoinsReplayFromItsBrokersCopyWithNoLineOfItInTheEgress() {
    a.join(1, "ann");
    a.batch();
    b.join(1, "bob", JoinPosition.history(0));
    b.batch();
    for (String text : List.of("one", "two", "three")) {
      millis++;
      a.send(1, text);
      a.batch();
    }
    assertThat(b.written.takeLines(1))
        .containsExactly(
            "WELCOME bob 2 e1:0",
            "REPLAYED 0",
            "POST 1 1764770000001 ann one",
            "POST 2 1764770000002 ann two",
            "POST 3 1764770000003 ann three");
    assertThat(a.written.takeLines(1)).containsExactly("WELCOME ann 1", "JOINED bob");
    assertThat(a.copy.newest())
        .as("a broker with no positioned member keeps a copy too")
        .isEqualTo(3);

    b.join(2, "cat", JoinPosition.since("e1", 1));
    b.batch();
    assertThat(b.written.takeLines(2))
        .containsExactly(
            "WELCOME cat 3 e1:3",
            "POST 2 1764770000002 ann two",
            "POST 3 1764770000003 ann three",
            "REPLAYED 2");
    assertThat(b.written.replays).containsEntry(2L, 1);

    a.join(2, "dan", JoinPosition.history(2));
    a.batch();
    assertThat(a.written.takeLines(2))
        .containsExactly(
            "WELCOME dan 4 e1:3",
            "POST 2 1764770000002 ann two",
            "POST 3 1764770000003 ann three",
            "REPLAYED 2");
  }

  @Test
  void shouldAnnounceAsAGapWhatTheBrokersCopyNoLongerHoldsAndGiveNoneForAnotherEpoch() {
    a.join(1, "ann");
    a.batch();
    a.join(3, "carl"); // a plain member: the copies make POST lines from the MSG lines it is sent
    a.batch();
    for (int i = 1; i <= 5; i++) {
      millis += 7;
      a.send(1, "m" + i); // the copies keep 3
      a.batch();
    }
    b.join(1, "bob", JoinPosition.since("e1", 0));
    b.batch();
    b.join(2, "cat", JoinPosition.since("old", 4));
    b.batch();
    assertThat(b.written.takeLines(1))
        .containsExactly(
            "WELCOME bob 3 e1:5",
            "GAP 1 2",
            "POST 3 1764770000021 ann m3",
            "POST 4 1764770000028 ann m4",
            "POST 5 1764770000035 ann m5",
            "REPLAYED 3",
            "JOINED cat");
    assertThat(b.written.takeLines(2))
        .containsExactly("WELCOME cat 4 e1:5", "GAP unknown", "REPLAYED 0");
  }

  /** {@code late}'s copy asks for a part of the history, and the room answers (40 bytes). */
  private void fillPart(Side late) {
    late.reader.sendFill(
        (buffer, offset, length) -> {
          out.fill(late.session, room, ControlFlyweights.HistoryFill.from(buffer, offset), 40);
          room.endBatch();
          return true;
        });
  }

  /** ann sends m1 to m5 (the room keeps 3), then a third broker's session starts. */
  private Side lateBrokerAfterFiveMessages() {
    a.join(1, "ann");
    a.batch();
    for (int i = 1; i <= 5; i++) {
      millis++;
      a.send(1, "m" + i);
      a.batch();
    }
    Side late = new Side();
    brokers.put(3, late.session);
    return late;
  }

  @Test
  void shouldFillALateBrokersCopyFromTheRoomOnePartAtATime() {
    Side late = lateBrokerAfterFiveMessages();
    late.reader.startFill();
    int parts = 0;
    for (int i = 0; i < 10; i++) {
      fillPart(late);
      parts = late.copy.filling() ? i + 2 : parts;
    }
    assertThat(late.copy.filling()).isFalse();
    assertThat(parts).as("a line a part (40 bytes), the room's three kept").isEqualTo(3);
    late.join(1, "bob", JoinPosition.since("e1", 0));
    late.batch();
    assertThat(late.written.takeLines(1))
        .containsExactly(
            "WELCOME bob 2 e1:5",
            "GAP 1 2",
            "POST 3 1764770000003 ann m3",
            "POST 4 1764770000004 ann m4",
            "POST 5 1764770000005 ann m5",
            "REPLAYED 3");
    late.copy.close();
  }

  @Test
  void shouldHoldAPositionedJoinDuringTheFillAndReplayWhatTheRoomKeepsBeforeTheLiveLines() {
    Side late = lateBrokerAfterFiveMessages();
    late.reader.startFill(); // a new session: its copy holds nothing yet
    late.join(1, "bob", JoinPosition.since("e1", 0));
    late.batch();
    assertThat(late.written.takeLines(1))
        .as("the replay waits for the fill")
        .containsExactly("WELCOME bob 2 e1:5");
    millis++;
    a.send(1, "m6"); // live, to bob too: behind his replay
    a.batch();
    assertThat(late.written.takeLines(1)).isEmpty();

    for (int i = 0; i < 10 && late.copy.filling(); i++) {
      fillPart(late);
    }
    assertThat(late.copy.filling()).isFalse();
    assertThat(late.written.takeLines(1))
        .as("what the room keeps (3) up to his join, then the live line: nothing twice")
        .containsExactly(
            "GAP 1 3",
            "POST 4 1764770000004 ann m4",
            "POST 5 1764770000005 ann m5",
            "REPLAYED 2",
            "POST 6 1764770000006 ann m6");
    late.copy.close();
  }

  @Test
  void shouldKeepEachOfABatchsMessagesInTheCopiesFromItsMsgLineOrItsPostLine() {
    a.join(1, "ann");
    a.join(2, "carl"); // plain: the copies get MSG lines, and make the POST lines
    a.batch();
    b.join(1, "bob", JoinPosition.history(0));
    b.batch();
    millis += 5;
    for (int i = 1; i <= 3; i++) {
      a.send(1, "x" + i); // one batch: three lines in one segment
    }
    a.batch();
    b.join(2, "dan", JoinPosition.since("e1", 0));
    b.batch();
    assertThat(b.written.takeLines(2))
        .containsExactly(
            "WELCOME dan 4 e1:3",
            "POST 1 1764770000005 ann x1",
            "POST 2 1764770000005 ann x2",
            "POST 3 1764770000005 ann x3",
            "REPLAYED 3");

    a.sequencer.add(ClusterWire.LEAVE, 2); // no plain member left: POST lines
    a.batch();
    millis += 5;
    for (int i = 4; i <= 6; i++) {
      a.send(1, "x" + i);
    }
    a.batch();
    a.join(3, "eve", JoinPosition.since("e1", 3));
    a.batch();
    assertThat(a.written.takeLines(3))
        .containsExactly(
            "WELCOME eve 4 e1:6",
            "POST 4 1764770000010 ann x4",
            "POST 5 1764770000010 ann x5",
            "POST 6 1764770000010 ann x6",
            "REPLAYED 3");
  }

  @Test
  void shouldSendAReplaysRangeThroughTheEgressNotItsLines() {
    a.join(1, "ann");
    a.batch();
    String text = "x".repeat(1000);
    for (int i = 0; i < 3; i++) {
      a.send(1, text);
      a.batch();
    }
    long before = b.egressBytes;
    b.join(1, "bob", JoinPosition.history(3));
    b.batch();
    assertThat(b.written.takeLines(1)).hasSize(5).endsWith("REPLAYED 3");
    assertThat(b.egressBytes - before).isLessThan(200); // the replay itself is over 3,000 bytes
  }

  @Test
  void shouldApplyAMessageSentAgainAfterALeaderChangeOnceAndAcknowledgeItEachTime() {
    a.join(1, "ann");
    a.batch();
    b.join(1, "bob"); // the same local id on another broker: another connection
    b.batch();
    a.written.takeLines(1);
    b.written.takeLines(1);

    a.send(1, "hello");
    byte[] hello = a.batch();
    a.apply(hello); // the new leader gets it again: it was never acknowledged to the broker

    assertThat(b.written.takeLines(1)).containsExactly("MSG ann hello");
    // Its WELCOME, bob's JOINED, then hello acknowledged each time it came.
    assertThat(a.acks).as("acknowledged each time it came").containsExactly(1L, 1L, 2L, 2L);
    assertThat(b.written.takeLines(1)).isEmpty();
  }

  @Test
  void shouldKeepTwoBrokersConnectionIdsApartAndLetABrokersMembersGoWhenItIsGone() {
    a.join(1, "ann");
    a.batch();
    b.join(1, "bob");
    b.batch();
    assertThat(ids.owners().size()).isEqualTo(2);
    a.written.takeLines(1);
    b.written.takeLines(1);

    roomIngress.brokerGone(a.session);
    room.endBatch();

    assertThat(b.written.takeLines(1)).containsExactly("LEFT ann");
    assertThat(ids.owners().size()).isEqualTo(1);
    b.send(1, "anyone?");
    b.batch();
    assertThat(a.written.takeLines(1)).as("a gone broker gets nothing").isEmpty();
  }

  @Test
  void shouldLetAConnectionsIdGoWhenItDisconnectsAndGiveItsLocalIdANewOneAfter() {
    a.join(1, "ann");
    a.batch();
    long first = a.session.ids.get(1);
    a.sequencer.add(ClusterWire.DISCONNECTED, 1);
    a.batch();
    assertThat(ids.owners().size()).isZero();
    assertThat(a.session.ids.size()).isZero();
    a.join(1, "ann"); // the broker gave the id to a new connection
    a.batch();
    assertThat(a.session.ids.get(1)).isGreaterThan(first);
    assertThat(a.written.takeLines(1)).containsExactly("WELCOME ann 1", "WELCOME ann 1");
  }

  @Test
  void shouldApplyNothingAfterALostMessageUntilItIsOfferedAgainThenBothInOrder() {
    a.join(1, "ann");
    a.batch();
    b.join(1, "bob");
    b.batch();
    a.written.takeLines(1);
    b.written.takeLines(1);

    a.send(1, "lost");
    a.sequencer.seal();
    a.sequencer.sendUnsent(a.ingress); // offered, but it never reaches the room
    byte[] lost = a.ingress.last();
    a.send(1, "after");
    a.batch();

    assertThat(b.written.takeLines(1)).as("nothing out of the broker's order").isEmpty();
    assertThat(a.acks).as("only the join acknowledged: the broker keeps both").endsWith(1L);
    assertThat(a.sequencer.waiting()).isEqualTo(2);

    a.apply(lost); // offered again (a new leader, or its acknowledgement was late) ...
    a.apply(a.ingress.last()); // ... with what followed it
    assertThat(b.written.takeLines(1)).containsExactly("MSG ann lost", "MSG ann after");
    assertThat(a.acks).endsWith(3L);
    assertThat(a.sequencer.waiting()).isZero();
  }

  @Test
  void shouldTraceAMessageHopByHopFromTheTimesTheRoomAnswersWithAndAtMostOnePerInterval() {
    Side t = new Side(10_000);
    brokers.put(3, t.session);
    try {
      t.join(1, "tia");
      t.sequencer.seal(); // marked to be traced
      epoch += 200;
      t.sequencer.sendUnsent(t.ingress); // stamped as offered: 1,000,200
      appendedAt = epoch + 300; // the leader's log took it
      epoch += 700; // replicated and committed: the room reads it
      roomTicks = 50; // applied (50 ns), then the answer is read 50 ns after the room was done
      t.apply(t.ingress.last());

      assertThat(t.written.takeLines(1)).containsExactly("WELCOME tia 1");
      assertThat(t.hops.count(Hop.ROUND_TRIP)).isEqualTo(1);
      assertThat(t.hops.sum(Hop.OFFER)).isCloseTo(200e-9, within(1e-12));
      assertThat(t.hops.sum(Hop.TO_LEADER)).isCloseTo(300e-9, within(1e-12));
      assertThat(t.hops.sum(Hop.COMMIT)).isCloseTo(400e-9, within(1e-12));
      assertThat(t.hops.sum(Hop.ROOM)).isCloseTo(50e-9, within(1e-12));
      assertThat(t.hops.sum(Hop.EGRESS)).isCloseTo(50e-9, within(1e-12));
      assertThat(t.hops.sum(Hop.ROUND_TRIP)).as("the hops add up").isCloseTo(800e-9, within(1e-12));

      roomTicks = 0;
      t.send(1, "within the interval");
      t.batch();
      assertThat(t.hops.count(Hop.ROUND_TRIP)).as("not traced").isEqualTo(1);
      epoch += 10_000;
      t.send(1, "after it");
      t.batch();
      assertThat(t.hops.count(Hop.ROUND_TRIP)).isEqualTo(2);
      assertThat(a.hops.count(Hop.ROUND_TRIP)).as("a broker that does not trace").isZero();
    } finally {
      t.copy.close();
    }
  }
}
