package io.ringchat.broker.room;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An {@link Outbound} that records what the room emits, per connection id, as a writer would see
 * it: the bytes in order, how many separate writes carried them, which connections were closed and
 * which joined. A test can make it "busy" to see what the room holds back; {@link #log} keeps every
 * call in order, so that two runs can be compared call for call.
 */
public final class RecordingOutbound implements Outbound {
  private final Map<Long, StringBuilder> bytes = new HashMap<>();
  private final Map<Long, Integer> writes = new HashMap<>();
  public final Set<Long> closed = new HashSet<>();
  public final Set<Long> joined = new HashSet<>();
  public final List<String> log = new ArrayList<>();
  public int handOvers;

  /** While true, {@link #allBusy()} says every writer is still busy. */
  public boolean busy;

  @Override
  public void write(long connection, ByteBuf frame) {
    record(connection, frame.toString(StandardCharsets.UTF_8));
    frame.release();
  }

  @Override
  public void write(long connection, ByteBuf shared, int offset, int length) {
    record(connection, shared.toString(offset, length, StandardCharsets.UTF_8));
  }

  /** Replays written, by connection: each is recorded in order like any write, and counted here. */
  public final Map<Long, Integer> replays = new HashMap<>();

  @Override
  public void writeReplay(long connection, ByteBuf replay) {
    replays.merge(connection, 1, Integer::sum);
    log.add(connection + " replay:");
    write(connection, replay);
  }

  @Override
  public void writeAndClose(long connection, ByteBuf frame) {
    write(connection, frame);
    closed.add(connection);
    log.add(connection + " close");
  }

  @Override
  public void joined(long connection) {
    joined.add(connection);
    log.add(connection + " joined");
  }

  @Override
  public boolean allBusy() {
    return busy;
  }

  @Override
  public void endOfBatch() {
    if (!busy) {
      handOvers++;
      log.add("hand over");
    }
  }

  @Override
  public void handOverAll() {
    handOvers++;
    log.add("hand over all");
  }

  private void record(long connection, String text) {
    bytes.computeIfAbsent(connection, c -> new StringBuilder()).append(text);
    writes.merge(connection, 1, Integer::sum);
    log.add(connection + " <- " + text);
  }

  /** Everything written to {@code connection} since the last call, one entry per line. */
  public List<String> takeLines(long connection) {
    StringBuilder text = bytes.remove(connection);
    writes.remove(connection);
    List<String> lines = new ArrayList<>();
    if (text != null) {
      for (String line : text.toString().split("\n", -1)) {
        if (!line.isEmpty()) {
          lines.add(line);
        }
      }
    }
    return lines;
  }

  /** How many separate writes reached {@code connection} since the last call. */
  public int takeWrites(long connection) {
    bytes.remove(connection);
    Integer n = writes.remove(connection);
    return n == null ? 0 : n;
  }
}
