package io.ringchat.bench.faults;

import java.util.ArrayList;
import java.util.List;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.LongArrayList;

/**
 * What one connection saw, for the checker: its window (from its WELCOME to its end), the times of
 * its messages 1, 2, 3..., each {@code MSG} it read (whose, which, when), the times of the {@code
 * ERR unavailable} lines that refused its SENDs, and how it ended: at the end of the run, by its
 * own {@code LEAVE}, or dropped (anything else).
 *
 * <p>Written by the connection's reading thread and the run's ticker thread, read by the checker
 * after both stopped: every method is synchronized.
 */
final class ClientRecord {
  static final String ENDED_BY_US = "end of run";
  static final String LEFT = "left";

  final int id;
  final int broker;
  private final Names names;

  private long welcomeNanos = -1;
  private long leaveNanos = -1;
  private long endNanos = -1;
  private String endReason;

  /** An {@code ERR} line after which the broker closes the connection, if one came. */
  private String closingLine;

  /** Message n was sent at sentNanos[n - 1]. */
  private final LongArrayList sentNanos = new LongArrayList();

  // Each MSG read, in order: the sender's id, its number, when.
  private final IntArrayList gotSender = new IntArrayList();
  private final LongArrayList gotNumber = new LongArrayList();
  private final LongArrayList gotNanos = new LongArrayList();

  private final LongArrayList refusedNanos = new LongArrayList();
  private final List<String> notes = new ArrayList<>();

  ClientRecord(int id, int broker, Names names) {
    this.id = id;
    this.broker = broker;
    this.names = names;
  }

  synchronized void welcomed(long nanos) {
    welcomeNanos = nanos;
  }

  synchronized void sent(long n, long nanos) {
    assert n == sentNanos.size() + 1 : "messages are numbered 1, 2, 3...";
    sentNanos.addLong(nanos);
  }

  synchronized void got(String sender, long n, long nanos) {
    gotSender.addInt(names.id(sender));
    gotNumber.addLong(n);
    gotNanos.addLong(nanos);
  }

  synchronized void refused(long nanos) {
    refusedNanos.addLong(nanos);
  }

  /** An {@code ERR} that ends the connection (the broker closes it after the line). */
  synchronized void closingError(String line) {
    notes.add(line);
    if (closingLine == null) {
      closingLine = line;
    }
  }

  /** A line the run's clients never cause. */
  synchronized void strange(String line) {
    notes.add("unexpected line: " + line);
  }

  synchronized void leaving(long nanos) {
    leaveNanos = nanos;
  }

  synchronized void ended(long nanos, String reason) {
    if (endNanos >= 0) {
      return;
    }
    endNanos = nanos;
    if (leaveNanos >= 0) {
      endReason = LEFT;
    } else if (closingLine != null) {
      endReason = closingLine; // closed by the broker, even if the run ended before it did
    } else {
      endReason = reason;
    }
  }

  synchronized boolean hasEnded() {
    return endNanos >= 0;
  }

  synchronized boolean joined() {
    return welcomeNanos >= 0;
  }

  synchronized long welcomeNanos() {
    return welcomeNanos;
  }

  /** When its window ended: its LEAVE, its drop, or the end of the run. */
  synchronized long endNanos() {
    return leaveNanos >= 0 ? leaveNanos : endNanos;
  }

  /** Whether the connection ended other than at the end of the run or by its own LEAVE. */
  synchronized boolean dropped() {
    return !ENDED_BY_US.equals(endReason) && !LEFT.equals(endReason);
  }

  synchronized boolean left() {
    return LEFT.equals(endReason);
  }

  synchronized String endReason() {
    return endReason;
  }

  synchronized int sentCount() {
    return sentNanos.size();
  }

  synchronized long sentNanos(long n) {
    return sentNanos.getLong((int) (n - 1));
  }

  synchronized int gotCount() {
    return gotSender.size();
  }

  synchronized int gotSender(int i) {
    return gotSender.getInt(i);
  }

  synchronized long gotNumber(int i) {
    return gotNumber.getLong(i);
  }

  synchronized long gotNanos(int i) {
    return gotNanos.getLong(i);
  }

  /** Whether it read message {@code n} of connection {@code sender}. */
  synchronized boolean received(int sender, long n) {
    for (int i = 0; i < gotSender.size(); i++) {
      if (gotSender.getInt(i) == sender && gotNumber.getLong(i) == n) {
        return true;
      }
    }
    return false;
  }

  synchronized LongArrayList refusedNanos() {
    return refusedNanos;
  }

  synchronized List<String> notes() {
    return List.copyOf(notes);
  }

  String name() {
    return names.name(id);
  }
}
