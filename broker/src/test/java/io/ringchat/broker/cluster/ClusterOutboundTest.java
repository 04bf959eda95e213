package io.ringchat.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The clustered room's egress: one message per broker per batch, numbered, kept, resent. */
class ClusterOutboundTest {
  private final List<byte[]> offered = new ArrayList<>();
  private final Long2ObjectHashMap<ClusterOutbound.Owner> owners = new Long2ObjectHashMap<>();
  private final ClusterOutbound out = new ClusterOutbound(owners);

  /** Whether the fake brokers take what is offered now (false: back pressure). */
  private boolean taking = true;

  private BrokerSession broker(long keptBytes) {
    return new BrokerSession(
        null,
        (buffer, offset, length) -> {
          if (!taking) {
            return false;
          }
          byte[] copy = new byte[length];
          buffer.getBytes(offset, copy);
          offered.add(copy);
          return true;
        },
        keptBytes);
  }

  private static ByteBuf line(String text) {
    return Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8);
  }

  private static long number(byte[] message) {
    return new UnsafeBuffer(message).getLong(1, ByteOrder.LITTLE_ENDIAN);
  }

  private static int entries(byte[] message) {
    UnsafeBuffer m = new UnsafeBuffer(message);
    int bytes = m.getInt(ClusterWire.OUTPUT_HEADER - 4, ByteOrder.LITTLE_ENDIAN);
    return m.getInt(ClusterWire.OUTPUT_HEADER + bytes, ByteOrder.LITTLE_ENDIAN);
  }

  private static int bytes(byte[] message) {
    return new UnsafeBuffer(message).getInt(ClusterWire.OUTPUT_HEADER - 4, ByteOrder.LITTLE_ENDIAN);
  }

  @Test
  void shouldSendOneNumberedMessagePerBrokerWithABroadcastSegmentOnce() {
    BrokerSession a = broker(BrokerSession.KEPT_EGRESS_BYTES);
    BrokerSession b = broker(BrokerSession.KEPT_EGRESS_BYTES);
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
    assertThat(offered.get(0)[0]).isEqualTo(ClusterWire.SKIP);
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
    List<byte[]> toB = new ArrayList<>();
    boolean[] bTakes = {false};
    BrokerSession a = broker(BrokerSession.KEPT_EGRESS_BYTES);
    BrokerSession b =
        new BrokerSession(
            null,
            (buffer, offset, length) -> {
              if (!bTakes[0]) {
                return false; // gone with the old leader, or back-pressured
              }
              byte[] copy = new byte[length];
              buffer.getBytes(offset, copy);
              toB.add(copy);
              return true;
            },
            BrokerSession.KEPT_EGRESS_BYTES);
    owners.put(1, new ClusterOutbound.Owner(a, 101));
    owners.put(2, new ClusterOutbound.Owner(b, 201));
    for (int i = 0; i < 5; i++) {
      out.write(1, line("MSG x " + i));
      out.write(2, line("MSG x " + i));
      out.endOfBatch();
    }
    assertThat(offered).as("the broker that takes gets every batch at once").hasSize(5);
    assertThat(toB).isEmpty();
    assertThat(out.anyBehind()).isTrue();
    assertThat(out.pump()).as("still refusing: still behind").isEqualTo(1);

    bTakes[0] = true;
    assertThat(out.pump()).isZero();
    assertThat(toB).extracting(ClusterOutboundTest::number).containsExactly(1L, 2L, 3L, 4L, 5L);

    out.write(2, line("MSG x 5"));
    out.endOfBatch();
    assertThat(toB).extracting(ClusterOutboundTest::number).endsWith(6L);
    assertThat(out.anyBehind()).isFalse();
  }

  @Test
  void shouldOfferNewEgressOnlyAfterWhatABrokerMissedNeverOutOfOrder() {
    BrokerSession a = broker(BrokerSession.KEPT_EGRESS_BYTES);
    owners.put(1, new ClusterOutbound.Owner(a, 101));
    taking = false;
    out.write(1, line("MSG x first"));
    out.endOfBatch();
    taking = true;
    out.write(1, line("MSG x second"));
    out.endOfBatch();
    assertThat(offered).extracting(ClusterOutboundTest::number).containsExactly(1L, 2L);
  }

  @Test
  void shouldSkipToWhatIsKeptWhenABrokerFellFurtherBehindThanTheKeptEgress() {
    BrokerSession a = broker(200);
    owners.put(1, new ClusterOutbound.Owner(a, 101));
    taking = false;
    for (int i = 0; i < 10; i++) {
      out.write(1, line("MSG x " + "y".repeat(60) + i));
      out.endOfBatch();
    }
    long first = a.kept.firstKept();
    assertThat(first).isGreaterThan(1);
    taking = true;
    out.pump();
    assertThat(offered.get(0)[0]).isEqualTo(ClusterWire.SKIP);
    assertThat(number(offered.get(0))).isEqualTo(first);
    assertThat(offered.subList(1, offered.size()))
        .extracting(ClusterOutboundTest::number)
        .containsExactlyElementsOf(
            java.util.stream.LongStream.rangeClosed(first, 10).boxed().toList());
    assertThat(a.delivery.skips()).isEqualTo(1);
  }

  @Test
  void shouldOfferNothingMoreToABrokerThatIsForgotten() {
    BrokerSession a = broker(BrokerSession.KEPT_EGRESS_BYTES);
    owners.put(1, new ClusterOutbound.Owner(a, 101));
    taking = false;
    out.write(1, line("MSG x lost with its broker"));
    out.endOfBatch();
    out.forget(a);
    taking = true;
    assertThat(out.pump()).isZero();
    assertThat(offered).isEmpty();
  }
}
