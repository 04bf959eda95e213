package io.ringchat.broker.cluster;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.assertj.core.api.Assertions.assertThat;

import io.aeron.AeronCounters;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.codecs.AppendPositionEncoder;
import io.aeron.cluster.codecs.CanvassPositionDecoder;
import io.aeron.cluster.codecs.CanvassPositionEncoder;
import io.aeron.cluster.codecs.MessageHeaderDecoder;
import io.aeron.cluster.codecs.MessageHeaderEncoder;
import io.aeron.cluster.service.Cluster;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.protocol.DataHeaderFlyweight;
import io.aeron.protocol.HeaderFlyweight;
import java.util.concurrent.atomic.AtomicInteger;
import org.agrona.BitUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;

/**
 * What the guard rewrites in a received datagram, with the media driver's counters made by the
 * test: the case of fault-schedule seed 955119261 (an old leader, back, canvassing with 506,048
 * where the room had committed less) and everything it must leave alone.
 */
class CanvassPositionGuardTest {
  private static final int CONSENSUS_STREAM = ConsensusModule.Configuration.consensusStreamId();
  private static final long STALE_END = 506_048;
  private static final long COMMITTED = 499_648;
  private static final long TERM = 2;

  private final CountersManager counters =
      new CountersManager(
          new UnsafeBuffer(new byte[16 * CountersReader.METADATA_LENGTH]),
          new UnsafeBuffer(new byte[16 * CountersReader.COUNTER_LENGTH]));
  private final AtomicInteger lowered = new AtomicInteger();
  private final CanvassPositionGuard guard = new CanvassPositionGuard(lowered::incrementAndGet);
  private final UnsafeBuffer datagram = new UnsafeBuffer(new byte[1408]);
  private int role;
  private int term;
  private int commit;

  /** This process's member, in {@link #TERM}, as {@code as}, its room committed up to there. */
  private void member(Cluster.Role as, long committed) {
    role =
        counters.allocate(
            "Cluster node role", ConsensusModule.Configuration.CLUSTER_NODE_ROLE_TYPE_ID);
    counters.setCounterValue(role, as.code());
    term =
        counters.allocate(
            "Cluster leadership term id", AeronCounters.CLUSTER_LEADERSHIP_TERM_ID_TYPE_ID);
    counters.setCounterValue(term, TERM);
    commit = counters.allocate("Cluster commit-pos", AeronCounters.CLUSTER_COMMIT_POSITION_TYPE_ID);
    counters.setCounterValue(commit, committed);
  }

  @Test
  void lowersAnOldLeadersPositionToTheCommitPositionWhileLeading() {
    member(Cluster.Role.LEADER, COMMITTED);
    int length = canvass(0, CONSENSUS_STREAM, 1, STALE_END, 2);

    assertThat(guard.onDatagram(datagram, length, counters)).isEqualTo(1);

    CanvassPositionDecoder read = canvassAt(0);
    assertThat(read.logPosition()).isEqualTo(COMMITTED);
    // Nothing else in it changes: the term of its log and who sent it.
    assertThat(read.logLeadershipTermId()).isEqualTo(1);
    assertThat(read.followerMemberId()).isEqualTo(2);
    assertThat(lowered).hasValue(1);
  }

  @Test
  void leavesAClaimFromALogEndingInThisLeadersTermAlone() {
    // As a leader still electing counts its voters' canvass positions: lowered, they kept it from
    // ever finishing its election (a fault-schedule run, seed 839278337).
    member(Cluster.Role.LEADER, COMMITTED);
    int length = canvass(0, CONSENSUS_STREAM, TERM, STALE_END, 2);

    assertThat(guard.onDatagram(datagram, length, counters)).isZero();
    assertThat(canvassAt(0).logPosition()).isEqualTo(STALE_END);
  }

  @Test
  void leavesAPositionWithinTheCommitPositionAlone() {
    member(Cluster.Role.LEADER, COMMITTED);
    int length = canvass(0, CONSENSUS_STREAM, 1, COMMITTED - 64, 2);

    assertThat(guard.onDatagram(datagram, length, counters)).isZero();
    assertThat(canvassAt(0).logPosition()).isEqualTo(COMMITTED - 64);
  }

  @Test
  void leavesPositionsAloneWhileNotLeading() {
    for (Cluster.Role as : new Cluster.Role[] {Cluster.Role.FOLLOWER, Cluster.Role.CANDIDATE}) {
      CanvassPositionGuardTest test = new CanvassPositionGuardTest();
      test.member(as, COMMITTED);
      int length = test.canvass(0, CONSENSUS_STREAM, 1, STALE_END, 2);

      assertThat(test.guard.onDatagram(test.datagram, length, test.counters)).isZero();
      assertThat(test.canvassAt(0).logPosition()).isEqualTo(STALE_END);
    }
  }

  @Test
  void leavesEverythingAloneInAProcessWithoutAMember() {
    int length = canvass(0, CONSENSUS_STREAM, 1, STALE_END, 2);

    assertThat(guard.onDatagram(datagram, length, counters)).isZero();
    assertThat(canvassAt(0).logPosition()).isEqualTo(STALE_END);
  }

  @Test
  void leavesOtherStreamsAndOtherMessagesAlone() {
    member(Cluster.Role.LEADER, COMMITTED);
    int length = canvass(0, CONSENSUS_STREAM + 1, 1, STALE_END, 2);
    assertThat(guard.onDatagram(datagram, length, counters)).isZero();
    assertThat(canvassAt(0).logPosition()).isEqualTo(STALE_END);

    length = appendPosition(0, STALE_END);
    byte[] before = new byte[length];
    datagram.getBytes(0, before);
    assertThat(guard.onDatagram(datagram, length, counters)).isZero();
    byte[] after = new byte[length];
    datagram.getBytes(0, after);
    assertThat(after).isEqualTo(before);
  }

  @Test
  void leavesAFragmentAlone() {
    member(Cluster.Role.LEADER, COMMITTED);
    int length = canvass(0, CONSENSUS_STREAM, 1, STALE_END, 2);
    datagram.putByte(HeaderFlyweight.FLAGS_FIELD_OFFSET, (byte) DataHeaderFlyweight.BEGIN_FLAG);

    assertThat(guard.onDatagram(datagram, length, counters)).isZero();
    assertThat(canvassAt(0).logPosition()).isEqualTo(STALE_END);
  }

  @Test
  void readsEveryFrameOfADatagram() {
    member(Cluster.Role.LEADER, COMMITTED);
    int second = appendPosition(0, STALE_END);
    int length = canvass(second, CONSENSUS_STREAM, 1, STALE_END, 2);

    assertThat(guard.onDatagram(datagram, length, counters)).isEqualTo(1);
    assertThat(canvassAt(second).logPosition()).isEqualTo(COMMITTED);
  }

  @Test
  void findsTheCountersOfAConsensusModuleRestartedInPlace() {
    member(Cluster.Role.LEADER, COMMITTED);
    int length = canvass(0, CONSENSUS_STREAM, 1, STALE_END, 2);
    assertThat(guard.onDatagram(datagram, length, counters)).isEqualTo(1);

    // The old module's counters freed, and a new one's made (in other slots), commit moved on.
    counters.free(role);
    counters.free(term);
    counters.free(commit);
    counters.allocate("a counter of something else", 1_000);
    member(Cluster.Role.LEADER, COMMITTED + 128);
    length = canvass(0, CONSENSUS_STREAM, 1, STALE_END, 2);

    assertThat(guard.onDatagram(datagram, length, counters)).isEqualTo(1);
    assertThat(canvassAt(0).logPosition()).isEqualTo(COMMITTED + 128);
  }

  private int canvass(int frame, int streamId, long logTerm, long logPosition, int from) {
    return canvassFrame(datagram, frame, streamId, logTerm, logPosition, from);
  }

  private int appendPosition(int frame, long logPosition) {
    int body = frame + DataHeaderFlyweight.HEADER_LENGTH;
    int messageLength =
        new AppendPositionEncoder()
                .wrapAndApplyHeader(datagram, body, new MessageHeaderEncoder())
                .leadershipTermId(2)
                .logPosition(logPosition)
                .followerMemberId(0)
                .flags((short) 0)
                .encodedLength()
            + MessageHeaderEncoder.ENCODED_LENGTH;
    return frameHeader(datagram, frame, CONSENSUS_STREAM, messageLength);
  }

  /**
   * Writes into {@code datagram} at {@code frame} a whole-message data frame of {@code streamId}
   * holding a canvass position from member {@code from}; returns where the next frame would start.
   */
  static int canvassFrame(
      UnsafeBuffer datagram, int frame, int streamId, long logTerm, long logPosition, int from) {
    int body = frame + DataHeaderFlyweight.HEADER_LENGTH;
    int messageLength =
        new CanvassPositionEncoder()
                .wrapAndApplyHeader(datagram, body, new MessageHeaderEncoder())
                .logLeadershipTermId(logTerm)
                .logPosition(logPosition)
                .leadershipTermId(logTerm)
                .followerMemberId(from)
                .protocolVersion(0)
                .encodedLength()
            + MessageHeaderEncoder.ENCODED_LENGTH;
    return frameHeader(datagram, frame, streamId, messageLength);
  }

  private static int frameHeader(
      UnsafeBuffer datagram, int frame, int streamId, int messageLength) {
    int frameLength = DataHeaderFlyweight.HEADER_LENGTH + messageLength;
    datagram.putInt(frame + HeaderFlyweight.FRAME_LENGTH_FIELD_OFFSET, frameLength, LITTLE_ENDIAN);
    datagram.putByte(frame + HeaderFlyweight.VERSION_FIELD_OFFSET, HeaderFlyweight.CURRENT_VERSION);
    datagram.putByte(
        frame + HeaderFlyweight.FLAGS_FIELD_OFFSET,
        (byte) (DataHeaderFlyweight.BEGIN_FLAG | DataHeaderFlyweight.END_FLAG));
    datagram.putShort(
        frame + HeaderFlyweight.TYPE_FIELD_OFFSET,
        (short) HeaderFlyweight.HDR_TYPE_DATA,
        LITTLE_ENDIAN);
    datagram.putInt(frame + DataHeaderFlyweight.STREAM_ID_FIELD_OFFSET, streamId, LITTLE_ENDIAN);
    return frame + BitUtil.align(frameLength, FrameDescriptor.FRAME_ALIGNMENT);
  }

  private CanvassPositionDecoder canvassAt(int frame) {
    MessageHeaderDecoder header =
        new MessageHeaderDecoder().wrap(datagram, frame + DataHeaderFlyweight.HEADER_LENGTH);
    return new CanvassPositionDecoder()
        .wrap(
            datagram,
            frame + DataHeaderFlyweight.HEADER_LENGTH + MessageHeaderDecoder.ENCODED_LENGTH,
            header.blockLength(),
            header.version());
  }
}
