package io.ringchat.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.driver.MediaDriver;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The clustered room's egress: one message per broker per batch, numbered, kept, resent. */
class ClusterOutboundTest {
  private static final ClusterContext CONTEXT = new ClusterContext().conclude();
  private static final long KEPT = CONTEXT.keptEgressBytes();
  private final RecordedOffers brokers = new RecordedOffers();
  private final List<byte[]> offered = brokers.taken;
  private final Long2ObjectHashMap<ClusterOutbound.Owner> owners = new Long2ObjectHashMap<>();
  private final ClusterOutbound out = new ClusterOutbound(owners, CONTEXT.maxOutputBytes());

  /** The brokers of the test share one recorder; {@code brokers.taking = false}: back pressure. */
  private BrokerSession broker(long keptBytes) {
    return new BrokerSession(null, brokers, keptBytes);
  }

  private static ByteBuf line(String text) {
    return Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8);
  }

  /** An output's number, or the next number a SKIP names. */
  private static long number(byte[] message) {
    UnsafeBuffer m = new UnsafeBuffer(message);
    return MessageHeader.type(m, 0) == ClusterWire.SKIP
        ? ControlFlyweights.Skip.next(m, 0)
        : new OutputFlyweight().wrap(m, 0).number();
  }

  private static int entries(byte[] message) {
    return new OutputFlyweight().wrap(new UnsafeBuffer(message), 0).count();
  }

  private static int bytes(byte[] message) {
    return new OutputFlyweight().wrap(new UnsafeBuffer(message), 0).bytesLength();
  }

  private static byte type(byte[] message) {
    return MessageHeader.type(new UnsafeBuffer(message), 0);
  }

  @Test
  void shouldSendOneNumberedMessagePerBrokerWithABroadcastSegmentOnce() {
    BrokerSession a = broker(KEPT);
    BrokerSession b = broker(KEPT);
    owners.put(1, new ClusterOutbound.Owner(a, 101));
    owners.put(2, new ClusterOutbound.Owner(a, 102));
    owners.put(3, new ClusterOutbound.Owner(b, 201));
    ByteBuf segment = line("MSG x one\nMSG x two");
    int segmentBytes = segment.writerIndex();
    try {
      out.write(1, segment, 0, segment.readableBytes());
      out.write(2, segment, 0, segment.readableBytes());
      out.write(3, segment, 0, segment.readableBytes());
      out.write(3, line("PONG"));
      out.endOfBatch();
    } finally {
      segment.release();
    }
    assertThat(offered).hasSize(2);
    byte[] toA = offered.get(0).length < offered.get(1).length ? offered.get(0) : offered.get(1);
    assertThat(number(offered.get(0))).isEqualTo(1);
    assertThat(number(offered.get(1))).isEqualTo(1);
    assertThat(entries(toA)).isEqualTo(2);
    assertThat(bytes(toA)).as("the segment once for two members").isEqualTo(segmentBytes);
    assertThat(segment.refCnt()).as("released: nothing kept a reference").isZero();
  }

  @Test
  void shouldAcknowledgeABrokerWithNoLinesAndSkipWhatItNoLongerKeeps() {
    BrokerSession a = broker(200);
    owners.put(1, new ClusterOutbound.Owner(a, 101));
    out.ack(a);
    out.endOfBatch();
    assertThat(offered).hasSize(1);
    assertThat(entries(offered.get(0))).as("an ack alone").isZero();
    for (int i = 0; i < 10; i++) {
      out.write(1, line("MSG x " + "y".repeat(60) + i));
      out.endOfBatch();
    }
    assertThat(number(offered.get(offered.size() - 1))).isEqualTo(11);
    long first = a.kept.firstKept();
    assertThat(first).as("older ones dropped past the limit").isGreaterThan(2);

    offered.clear();
    out.resend(a, 1);
    assertThat(type(offered.get(0))).isEqualTo(ClusterWire.SKIP);
    assertThat(number(offered.get(0))).isEqualTo(first);
    assertThat(offered.subList(1, offered.size()))
        .extracting(ClusterOutboundTest::number)
        .containsExactlyElementsOf(
            java.util.stream.LongStream.rangeClosed(first, 11).boxed().toList());

    offered.clear();
    out.resend(a, 10);
    assertThat(offered).extracting(ClusterOutboundTest::number).containsExactly(11L);
  }

  @Test
  void shouldKeepWhatABrokerCannotTakeNowAndOfferItLaterInOrderWithoutHoldingUpTheOthers() {
    RecordedOffers toB = new RecordedOffers();
    toB.taking = false; // gone with the old leader, or back-pressured
    BrokerSession a = broker(KEPT);
    BrokerSession b = new BrokerSession(null, toB, KEPT);
    owners.put(1, new ClusterOutbound.Owner(a, 101));
    owners.put(2, new ClusterOutbound.Owner(b, 201));
    for (int i = 0; i < 5; i++) {
      out.write(1, line("MSG x " + i));
      out.write(2, line("MSG x " + i));
      out.endOfBatch();
    }
    assertThat(offered).as("the broker that takes gets every batch at once").hasSize(5);
    assertThat(toB.taken).isEmpty();
    assertThat(out.anyBehind()).isTrue();
    assertThat(out.pump()).as("still refusing: still behind").isEqualTo(1);

    toB.taking = true;
    assertThat(out.pump()).isZero();
    assertThat(toB.taken)
        .extracting(ClusterOutboundTest::number)
        .containsExactly(1L, 2L, 3L, 4L, 5L);

    out.write(2, line("MSG x 5"));
    out.endOfBatch();
    assertThat(toB.taken).extracting(ClusterOutboundTest::number).endsWith(6L);
    assertThat(out.anyBehind()).isFalse();
  }

  @Test
  void shouldOfferNewEgressOnlyAfterWhatABrokerMissedNeverOutOfOrder() {
    BrokerSession a = broker(KEPT);
    owners.put(1, new ClusterOutbound.Owner(a, 101));
    brokers.taking = false;
    out.write(1, line("MSG x first"));
    out.endOfBatch();
    brokers.taking = true;
    out.write(1, line("MSG x second"));
    out.endOfBatch();
    assertThat(offered).extracting(ClusterOutboundTest::number).containsExactly(1L, 2L);
  }

  @Test
  void shouldSkipToWhatIsKeptWhenABrokerFellFurtherBehindThanTheKeptEgress() {
    BrokerSession a = broker(200);
    owners.put(1, new ClusterOutbound.Owner(a, 101));
    brokers.taking = false;
    for (int i = 0; i < 10; i++) {
      out.write(1, line("MSG x " + "y".repeat(60) + i));
      out.endOfBatch();
    }
    long first = a.kept.firstKept();
    assertThat(first).isGreaterThan(1);
    brokers.taking = true;
    out.pump();
    assertThat(type(offered.get(0))).isEqualTo(ClusterWire.SKIP);
    assertThat(number(offered.get(0))).isEqualTo(first);
    assertThat(offered.subList(1, offered.size()))
        .extracting(ClusterOutboundTest::number)
        .containsExactlyElementsOf(
            java.util.stream.LongStream.rangeClosed(first, 10).boxed().toList());
    assertThat(a.delivery.skips()).isEqualTo(1);
  }

  @Test
  void shouldOfferNothingMoreToABrokerThatIsForgotten() {
    BrokerSession a = broker(KEPT);
    owners.put(1, new ClusterOutbound.Owner(a, 101));
    brokers.taking = false;
    out.write(1, line("MSG x lost with its broker"));
    out.endOfBatch();
    out.forget(a);
    brokers.taking = true;
    assertThat(out.pump()).isZero();
    assertThat(offered).isEmpty();
  }

  @Test
  void shouldCutABatchTooLargeForOneMessageIntoNumberedMessagesUnderTheLimitLosingNoLine() {
    BrokerSession a = broker(KEPT);
    int members = 20_000; // 17 bytes an entry: more than one 256 KiB message
    oneBatchToEveryMember(a, members, "MSG x to everyone");
    assertThat(offered.size()).isGreaterThan(1);
    assertThat(offered).allMatch(m -> m.length <= CONTEXT.maxOutputBytes());
    assertThat(offered)
        .extracting(ClusterOutboundTest::number)
        .containsExactlyElementsOf(
            java.util.stream.LongStream.rangeClosed(1, offered.size()).boxed().toList());
    assertThat(offered.stream().mapToInt(ClusterOutboundTest::entries).sum()).isEqualTo(members);
  }

  /**
   * Every message of a batch too large for one, with the session header the clustered service puts
   * before it, is one that an Aeron publication of the egress term takes. The room once cut its
   * messages at an eighth of the term without the header: a thousand members joining at once made a
   * message 19 bytes over Aeron's largest, refused at every offer, and that broker's egress stopped
   * for good.
   */
  @Test
  void shouldMakeOnlyMessagesThatAnAeronPublicationOfTheEgressTermTakes(@TempDir Path dir) {
    try (MediaDriver driver =
            MediaDriver.launch(
                CONTEXT
                    .mediaDriver()
                    .aeronDirectoryName(dir.resolve("aeron").toString())
                    .dirDeleteOnShutdown(true));
        Aeron aeron =
            Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
        Publication egress =
            aeron.addPublication("aeron:ipc?term-length=" + CONTEXT.egressTermLength(), 1);
        Subscription broker = aeron.addSubscription("aeron:ipc", 1)) {
      await().atMost(Duration.ofSeconds(10)).until(egress::isConnected);
      UnsafeBuffer sessionHeader = new UnsafeBuffer(new byte[AeronCluster.SESSION_HEADER_LENGTH]);
      List<Integer> lengths = new ArrayList<>();
      Offer aeronOffer =
          (buffer, offset, length) -> {
            lengths.add(length);
            // As the clustered service offers a session's egress: its header, then the message.
            long position =
                egress.offer(sessionHeader, 0, sessionHeader.capacity(), buffer, offset, length);
            broker.poll((b, o, l, h) -> {}, 10);
            return position > 0;
          };
      BrokerSession a = new BrokerSession(null, aeronOffer, KEPT);
      // 17 bytes an entry: several messages, each filled to the limit
      oneBatchToEveryMember(a, 30_000, "JOINED x");
      assertThat(lengths).hasSizeGreaterThan(2);
      assertThat(lengths.get(0))
          .as("filled to within an entry of the limit")
          .isGreaterThan(CONTEXT.maxOutputBytes() - OutputFlyweight.ENTRY_LENGTH);
      assertThat(a.delivery.unsent()).as("every message taken at its first offer").isZero();
    }
  }

  /** Members 1 to {@code members} on broker {@code a}, each written {@code text} in one batch. */
  private void oneBatchToEveryMember(BrokerSession a, int members, String text) {
    for (int i = 1; i <= members; i++) {
      owners.put(i, new ClusterOutbound.Owner(a, 100_000 + i));
    }
    ByteBuf segment = line(text);
    try {
      for (int i = 1; i <= members; i++) {
        out.write(i, segment, 0, segment.readableBytes());
      }
      out.endOfBatch();
    } finally {
      segment.release();
    }
  }
}
