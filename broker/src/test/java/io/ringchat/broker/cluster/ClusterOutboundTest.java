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
  private final ClusterOutbound out =
      new ClusterOutbound(
          owners,
          (session, buffer, length) -> {
            byte[] copy = new byte[length];
            buffer.getBytes(0, copy);
            offered.add(copy);
          });

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
    ClusterOutbound.Broker a = new ClusterOutbound.Broker(null);
    ClusterOutbound.Broker b = new ClusterOutbound.Broker(null);
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
    ClusterOutbound.Broker a = new ClusterOutbound.Broker(null, 200);
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
    long first = a.firstKept();
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
}
