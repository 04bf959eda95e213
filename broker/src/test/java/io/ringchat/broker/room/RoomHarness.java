package io.ringchat.broker.room;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.ringchat.broker.stats.BrokerCounters;
import io.ringchat.protocol.ErrorCode;
import io.ringchat.protocol.JoinPosition;
import io.ringchat.protocol.Names;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Drives a {@link Room} on the test thread with the room's own typed calls and records its output:
 * no Netty channels, no ring, no threads. Connection {@code i} has the id {@code 100 + i}, so that
 * nothing in the room can lean on ids being small or dense.
 */
final class RoomHarness {
  final BrokerCounters counters = new BrokerCounters();
  final RecordingOutbound out = new RecordingOutbound();
  final Room room;

  /** The room's clock, moved by the test (milliseconds since 1970). */
  long millis = 1_764_770_000_000L;

  RoomHarness(int presenceLimit) {
    room = new Room(ByteBufAllocator.DEFAULT, out, counters, presenceLimit, 4096);
  }

  /**
   * A room that keeps {@code messages} messages of at most {@code bytes} bytes, epoch {@code e1}.
   */
  RoomHarness(int presenceLimit, int messages, long bytes) {
    room =
        new Room(
            ByteBufAllocator.DEFAULT,
            out,
            counters,
            presenceLimit,
            4096,
            Room.MAX_SEGMENT_BYTES,
            new HistoryOptions(EPOCH, messages, bytes, () -> millis));
  }

  static final String EPOCH = "e1";

  static long id(int connection) {
    return 100L + connection;
  }

  RoomHarness join(int connection, String name) {
    room.onJoin(id(connection), Names.parse(name).name());
    return this;
  }

  /** {@code JOIN name HISTORY n}. */
  RoomHarness joinHistory(int connection, String name, long n) {
    room.onJoin(id(connection), Names.parse(name).name(), JoinPosition.history(n));
    return this;
  }

  /** {@code JOIN name SINCE epoch:seq}. */
  RoomHarness joinSince(int connection, String name, String epoch, long seq) {
    room.onJoin(id(connection), Names.parse(name).name(), JoinPosition.since(epoch, seq));
    return this;
  }

  RoomHarness send(int connection, String text) {
    ByteBuf buf = utf8(text);
    try {
      room.onSend(id(connection), buf);
    } finally {
      buf.release(); // the ring consumer releases the event's buffer after the call
    }
    return this;
  }

  RoomHarness ping(int connection, String token) {
    ByteBuf buf = token == null ? null : utf8(token);
    try {
      room.onPing(id(connection), buf);
    } finally {
      if (buf != null) {
        buf.release();
      }
    }
    return this;
  }

  RoomHarness who(int connection) {
    room.onWho(id(connection));
    return this;
  }

  RoomHarness leave(int connection) {
    room.onLeave(id(connection));
    return this;
  }

  RoomHarness reject(int connection, ErrorCode code) {
    room.onReject(id(connection), code);
    return this;
  }

  RoomHarness disconnect(int connection) {
    room.onDisconnect(id(connection));
    return this;
  }

  RoomHarness evict(int connection) {
    room.onEvict(id(connection));
    return this;
  }

  /** The end of a ring batch. */
  RoomHarness endBatch() {
    room.endBatch();
    return this;
  }

  /** Everything written to {@code connection} since last asked, one entry per line. */
  List<String> received(int connection) {
    return out.takeLines(id(connection));
  }

  /** How many separate writes reached {@code connection} since last asked. */
  int writesTo(int connection) {
    return out.takeWrites(id(connection));
  }

  boolean isClosed(int connection) {
    return out.closed.contains(id(connection));
  }

  /** Discards what was written to connections 0 to {@code count - 1}. */
  void drain(int count) {
    for (int i = 0; i < count; i++) {
      received(i);
    }
  }

  private static ByteBuf utf8(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
  }
}
