package io.ringchat.broker.cluster;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

import io.aeron.AeronCounters;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.codecs.CanvassPositionDecoder;
import io.aeron.cluster.codecs.MessageHeaderDecoder;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusterCounters;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.protocol.DataHeaderFlyweight;
import io.aeron.protocol.HeaderFlyweight;
import org.agrona.BitUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.status.CountersReader;

/**
 * Keeps a leader from counting a canvassing member with an older log further along than the room
 * has committed: rewrites, in a datagram the media driver received and before the consensus module
 * reads it, the log position of such a {@code CanvassPosition} message, while this process's member
 * leads.
 *
 * <p>Why: in Aeron 1.51 a leader takes a canvass position as the canvassing member's place in the
 * log whatever term it is from ({@code ConsensusModuleAgent.onCanvassPosition}, {@code
 * Election.onCanvassPosition}) and counts it towards the commit position. An old leader that comes
 * back from a partition canvasses with the end of its own log, which may hold messages the room
 * never agreed to (its own broker's, taken while it was cut off) where the new leader's log holds
 * others. Counted, it lets the new leader commit what only the new leader holds: if that leader
 * died then, the room would lose messages it had delivered. And the commit position may fall inside
 * a message of the new leader's log, which it then cannot replay at its next election (found in a
 * fault-schedule run, seed 955119261; {@link StuckReplayDetector} restarts such a member in place).
 *
 * <p>Which claims: those from a log whose last term is older than the term this member leads. Such
 * a log agrees with the leader's only up to where the next of its terms began in the leader's log,
 * which the guard does not know; counted at most at the commit position, the claim cannot move the
 * commit position on, and once the member rejoins, its appended positions count as every follower's
 * do. A claim from a log that ends in the leader's term is left alone: logs agree within a term,
 * and a leader still electing counts such claims to know that a majority holds its log (lowering
 * those too kept a new leader from ever finishing its election: a fault-schedule run found it).
 * Everything else passes untouched: other streams, other messages, and everything while this member
 * does not lead. One consensus module per media driver (a member's process).
 *
 * <p>The media driver's thread.
 */
final class CanvassPositionGuard {
  private static final int CONSENSUS_STREAM = ConsensusModule.Configuration.consensusStreamId();
  // The consensus module's, which ClusterNode leaves at Aeron's default (-Daeron.cluster.id).
  private static final int CLUSTER_ID = ClusteredServiceContainer.Configuration.clusterId();
  private static final int LEADER = Cluster.Role.LEADER.code();
  private static final byte WHOLE_MESSAGE =
      (byte) (DataHeaderFlyweight.BEGIN_FLAG | DataHeaderFlyweight.END_FLAG);
  private static final int SBE_HEADER = MessageHeaderDecoder.ENCODED_LENGTH;

  private final Runnable onRewrite;
  private final MessageHeaderDecoder header = new MessageHeaderDecoder();
  private final CanvassPositionDecoder canvass = new CanvassPositionDecoder();
  // Counter ids of this member's role, leadership term and commit position, found when first
  // needed and again when the consensus module that made them is gone (an in-place restart makes
  // new ones).
  private int roleId = CountersReader.NULL_COUNTER_ID;
  private int termId = CountersReader.NULL_COUNTER_ID;
  private int commitId = CountersReader.NULL_COUNTER_ID;

  /**
   * @param onRewrite told of each position rewritten (on the driver's thread: it must not wait)
   */
  CanvassPositionGuard(Runnable onRewrite) {
    this.onRewrite = onRewrite;
  }

  /**
   * Looks at every frame of one received datagram and rewrites what it must, in place.
   *
   * @return how many canvass positions it rewrote
   */
  int onDatagram(MutableDirectBuffer buffer, int length, CountersReader counters) {
    // A datagram carries frames of one stream (the driver hands it whole to the image its first
    // header names): the log's and the others' datagrams are passed over once, not frame by frame.
    if (length < DataHeaderFlyweight.HEADER_LENGTH
        || buffer.getInt(DataHeaderFlyweight.STREAM_ID_FIELD_OFFSET, LITTLE_ENDIAN)
            != CONSENSUS_STREAM) {
      return 0;
    }
    int rewritten = 0;
    int offset = 0;
    while (offset + DataHeaderFlyweight.HEADER_LENGTH <= length) {
      int frameLength =
          buffer.getInt(offset + HeaderFlyweight.FRAME_LENGTH_FIELD_OFFSET, LITTLE_ENDIAN);
      if (frameLength < DataHeaderFlyweight.HEADER_LENGTH || offset + frameLength > length) {
        break; // a heartbeat (no length), or not a frame this can read: the dispatcher judges
      }
      if (isCanvassPosition(buffer, offset, frameLength)
          && clamp(buffer, offset + DataHeaderFlyweight.HEADER_LENGTH + SBE_HEADER, counters)) {
        rewritten++;
        onRewrite.run();
      }
      offset += BitUtil.align(frameLength, FrameDescriptor.FRAME_ALIGNMENT);
    }
    return rewritten;
  }

  private boolean isCanvassPosition(MutableDirectBuffer buffer, int frame, int frameLength) {
    if (buffer.getShort(frame + HeaderFlyweight.TYPE_FIELD_OFFSET, LITTLE_ENDIAN)
            != HeaderFlyweight.HDR_TYPE_DATA
        || (buffer.getByte(frame + HeaderFlyweight.FLAGS_FIELD_OFFSET) & WHOLE_MESSAGE)
            != WHOLE_MESSAGE
        || frameLength
            < DataHeaderFlyweight.HEADER_LENGTH
                + SBE_HEADER
                + CanvassPositionDecoder.BLOCK_LENGTH) {
      return false;
    }
    header.wrap(buffer, frame + DataHeaderFlyweight.HEADER_LENGTH);
    return header.schemaId() == CanvassPositionDecoder.SCHEMA_ID
        && header.templateId() == CanvassPositionDecoder.TEMPLATE_ID
        && header.blockLength() >= CanvassPositionDecoder.BLOCK_LENGTH;
  }

  /**
   * Lowers the position at {@code body} to the commit position while this member leads a term newer
   * than the canvassing member's log.
   */
  private boolean clamp(MutableDirectBuffer buffer, int body, CountersReader counters) {
    roleId = find(counters, roleId, ConsensusModule.Configuration.CLUSTER_NODE_ROLE_TYPE_ID);
    termId = find(counters, termId, AeronCounters.CLUSTER_LEADERSHIP_TERM_ID_TYPE_ID);
    commitId = find(counters, commitId, AeronCounters.CLUSTER_COMMIT_POSITION_TYPE_ID);
    if (roleId == CountersReader.NULL_COUNTER_ID
        || termId == CountersReader.NULL_COUNTER_ID
        || commitId == CountersReader.NULL_COUNTER_ID
        || counters.getCounterValue(roleId) != LEADER) {
      return false;
    }
    canvass.wrap(buffer, body, CanvassPositionDecoder.BLOCK_LENGTH, header.version());
    // A log that ends in this leader's term (or in the term a leader still electing had last:
    // its counter moves to the new term only once its log has been replicated to a majority, for
    // which Aeron counts such canvass positions) agrees with this leader's up to where it ends.
    if (canvass.logLeadershipTermId() >= counters.getCounterValue(termId)) {
      return false;
    }
    long committed = counters.getCounterValue(commitId);
    if (canvass.logPosition() <= committed) {
      return false;
    }
    buffer.putLong(
        body + CanvassPositionDecoder.logPositionEncodingOffset(), committed, LITTLE_ENDIAN);
    return true;
  }

  /**
   * The counter of {@code typeId}: {@code known} while it still is one, else Aeron's own search for
   * this cluster's.
   */
  private static int find(CountersReader counters, int known, int typeId) {
    if (known != CountersReader.NULL_COUNTER_ID
        && counters.getCounterState(known) == CountersReader.RECORD_ALLOCATED
        && counters.getCounterTypeId(known) == typeId) {
      return known;
    }
    return ClusterCounters.find(counters, typeId, CLUSTER_ID);
  }
}
