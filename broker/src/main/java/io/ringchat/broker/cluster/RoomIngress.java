package io.ringchat.broker.cluster;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.ringchat.broker.room.Room;
import io.ringchat.protocol.ErrorCode;
import io.ringchat.protocol.JoinPosition;
import io.ringchat.protocol.Names;
import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochNanoClock;

/**
 * Applies a broker's {@link ClusterWire#EVENTS} to the room, each message exactly once and in the
 * broker's order: a broker sends again what was not acknowledged (when a leader changed, or when an
 * acknowledgement is late), and a message whose seq the room has applied already is only
 * acknowledged again; one that comes after a gap (a message lost on the way, as when the leader's
 * image of the broker's ingress is lost and made again) is not applied either, until the broker
 * offers the missing one again with everything after it. Each event's connection gets its room-wide
 * id ({@link ConnectionIds}); a disconnect lets it go.
 *
 * <p>The clustered service's thread only.
 */
final class RoomIngress {
  private final Room room;
  private final ClusterOutbound out;
  private final ConnectionIds ids;
  private final EpochNanoClock clock;
  private final EventsFlyweight events = new EventsFlyweight();

  /** The text of the event being applied, copied out of the log: one buffer, reused. */
  private final ByteBuf detail = Unpooled.buffer(256);

  /**
   * @param clock the room's times for a traced message's answer ({@link RoundTripTrace}): output
   *     only, never state
   */
  RoomIngress(Room room, ClusterOutbound out, ConnectionIds ids, EpochNanoClock clock) {
    this.room = room;
    this.clock = clock;
    this.out = out;
    this.ids = ids;
  }

  /**
   * Applies the message at {@code offset} from {@code broker} if it is the next in the broker's
   * order; either way the broker gets an acknowledgement (of the last applied) at the end of the
   * batch. A traced message applied is answered with its times ({@link ClusterOutbound#trace}), the
   * log's {@code appendedAt} (epoch ns) among them. The caller ends the batch.
   */
  void onEvents(BrokerSession broker, DirectBuffer buffer, int offset, long appendedAt) {
    events.wrap(buffer, offset);
    out.ack(broker);
    if (!broker.next(events.seq())) {
      return; // applied already, or one before it is missing: acknowledge what was applied only
    }
    long tracedAt = events.tracedAt();
    long appliedAt = tracedAt == 0 ? 0 : clock.nanoTime();
    int count = events.count();
    int at = events.firstEvent();
    for (int i = 0; i < count; i++, at = events.nextEvent(at)) {
      int bytes = events.detailLength(at);
      if (events.kind(at) == ClusterWire.JOIN_POSITIONED) {
        joinPositioned(broker, events.connection(at), buffer, events.detailOffset(at), bytes);
        continue;
      }
      ByteBuf text = null;
      if (bytes >= 0) {
        text = detail.clear().ensureWritable(bytes);
        buffer.getBytes(events.detailOffset(at), text.array(), text.arrayOffset(), bytes);
        text.writerIndex(bytes);
      }
      apply(broker, events.kind(at), events.connection(at), text);
    }
    if (tracedAt != 0) {
      out.trace(broker, tracedAt, appendedAt, appliedAt, clock.nanoTime());
    }
  }

  /**
   * Applies one event; {@code detail} (its text, or null) is only good for this call: the room
   * copies what it keeps.
   */
  private void apply(BrokerSession broker, byte kind, long local, ByteBuf detail) {
    long id = ids.idOf(broker, local);
    switch (kind) {
      case ClusterWire.JOIN -> {
        Names.Result result = Names.parse(detail.toString(StandardCharsets.UTF_8));
        if (result.name() != null) {
          room.onJoin(id, result.name());
        } else {
          room.onReject(id, result.error());
        }
      }
      case ClusterWire.SEND -> room.onSend(id, detail == null ? Unpooled.EMPTY_BUFFER : detail);
      case ClusterWire.WHO -> room.onWho(id);
      case ClusterWire.PING -> room.onPing(id, detail);
      case ClusterWire.LEAVE -> room.onLeave(id);
      case ClusterWire.REJECT ->
          room.onReject(id, ErrorCode.fromWireName(detail.toString(StandardCharsets.UTF_8)));
      case ClusterWire.DISCONNECTED -> {
        room.onDisconnect(id);
        ids.forget(broker, local, id);
      }
      case ClusterWire.EVICTED -> {
        room.onEvict(id);
        ids.forget(broker, local, id);
      }
      default -> {
        // a newer broker's event: nothing this room knows to do
      }
    }
  }

  /** A JOIN with HISTORY or SINCE, its detail a {@link JoinDetail}. */
  private void joinPositioned(
      BrokerSession broker, long local, DirectBuffer buffer, int offset, int length) {
    long id = ids.idOf(broker, local);
    JoinPosition position = JoinDetail.position(buffer, offset, length);
    Names.Result result = Names.parse(JoinDetail.name(buffer, offset, length));
    if (position == null) {
      room.onReject(id, ErrorCode.BAD_COMMAND); // a broker sends none such: not applied
    } else if (result.name() != null) {
      room.onJoin(id, result.name(), position);
    } else {
      room.onReject(id, result.error());
    }
  }

  /** The broker is gone: each of its connections leaves, as if each had disconnected. */
  void brokerGone(BrokerSession broker) {
    for (long id : ids.forgetAll(broker)) {
      room.onDisconnect(id);
    }
  }
}
