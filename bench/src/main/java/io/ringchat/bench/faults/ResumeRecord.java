package io.ringchat.bench.faults;

import java.util.ArrayList;
import java.util.List;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.LongArrayList;

/**
 * What one positioned member saw over all its connections, for the {@link ResumeChecker}: the
 * position it started from, every {@code POST} in the order read (the room's seq, whose message,
 * which), every {@code GAP} range it was told of (in order with the posts), how many times it
 * resumed, and anything a cluster should never say to it.
 *
 * <p>Written by the member's thread, read by the checker after it stopped: synchronized.
 */
final class ResumeRecord {
  final String name;

  /** The seq of the WELCOME's position on its first join: what it saw starts after it. */
  private long startSeq = -1;

  // In the order read: a POST (seq, sender, n) or a GAP (from, to, sender -1).
  private final LongArrayList seq = new LongArrayList();
  private final LongArrayList toOrNumber = new LongArrayList();
  private final IntArrayList sender = new IntArrayList();

  private int resumes;
  private int joins;
  private final List<String> anomalies = new ArrayList<>();

  // The GAPs by where they came: in a replay, of seqs older than the newest --history the room
  // keeps (the room no longer has them), or newer (a broker's copy that could not vouch for them);
  // or live (egress its broker lost for good).
  private int replayGapsNotKept;
  private int replayGapsKept;
  private int liveGaps;
  private final List<String> keptGaps = new ArrayList<>();

  ResumeRecord(String name) {
    this.name = name;
  }

  synchronized void started(long seq) {
    if (startSeq < 0) {
      startSeq = seq;
    }
  }

  synchronized void joined(boolean resumed) {
    joins++;
    if (resumed) {
      resumes++;
    }
  }

  synchronized void post(long roomSeq, int senderId, long n) {
    seq.addLong(roomSeq);
    toOrNumber.addLong(n);
    sender.addInt(senderId);
  }

  synchronized void gap(long from, long to) {
    seq.addLong(from);
    toOrNumber.addLong(to);
    sender.addInt(-1);
  }

  /**
   * A GAP {@code from..to} in a replay that began after the room's seq {@code welcomed} (its
   * WELCOME's position), where the room keeps its newest {@code history} messages: whether the room
   * still kept some of the range says whether the room or the broker's copy did not have them.
   */
  synchronized void replayGap(long from, long to, long welcomed, long history, int broker) {
    gap(from, to);
    if (to <= welcomed - history) {
      replayGapsNotKept++;
    } else {
      replayGapsKept++;
      if (keptGaps.size() < 5) {
        keptGaps.add(
            "GAP "
                + from
                + " "
                + to
                + " in a replay on broker "
                + broker
                + " joined at "
                + welcomed
                + " (the room keeps "
                + history
                + ")");
      }
    }
  }

  /** A GAP {@code from..to} after the replay: egress its broker lost for good. */
  synchronized void liveGap(long from, long to) {
    gap(from, to);
    liveGaps++;
  }

  synchronized int replayGapsNotKept() {
    return replayGapsNotKept;
  }

  synchronized int replayGapsKept() {
    return replayGapsKept;
  }

  synchronized int liveGaps() {
    return liveGaps;
  }

  synchronized List<String> keptGaps() {
    return List.copyOf(keptGaps);
  }

  synchronized void anomaly(String what) {
    if (anomalies.size() < 20) {
      anomalies.add(what);
    }
  }

  synchronized long startSeq() {
    return startSeq;
  }

  synchronized int size() {
    return seq.size();
  }

  /** Whether entry {@code i} is a GAP (else a POST). */
  synchronized boolean isGap(int i) {
    return sender.getInt(i) < 0;
  }

  /** A POST's seq, or a GAP's first seq. */
  synchronized long seq(int i) {
    return seq.getLong(i);
  }

  /** A POST's message number, or a GAP's last seq. */
  synchronized long numberOrTo(int i) {
    return toOrNumber.getLong(i);
  }

  synchronized int sender(int i) {
    return sender.getInt(i);
  }

  synchronized int resumes() {
    return resumes;
  }

  synchronized int joins() {
    return joins;
  }

  synchronized List<String> anomalies() {
    return List.copyOf(anomalies);
  }
}
