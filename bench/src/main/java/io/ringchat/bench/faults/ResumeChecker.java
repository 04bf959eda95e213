package io.ringchat.bench.faults;

import java.util.ArrayList;
import java.util.List;
import org.agrona.collections.Long2LongHashMap;

/**
 * Decides from the positioned members' records ({@link ResumeRecord}) whether resuming kept its
 * promise: for each member, across all its connections, the room's seqs it read only go up (none
 * twice), and every seq between its first position and the last it read was read or named by a
 * {@code GAP} it was told of; and every member that read a seq read the same message under it (one
 * order for everyone).
 */
final class ResumeChecker {
  private static final int EXAMPLES = 5;

  /** The counts the report prints. */
  static final class Verdict {
    int members;
    long resumes;
    long posts;
    long gapsReported;
    long seqsInGaps;
    long skipped;
    long duplicated;
    long disagreements;
    long replayGapsNotKept;
    long replayGapsKept;
    long liveGaps;
    final List<String> keptGaps = new ArrayList<>();
    final List<String> examples = new ArrayList<>();

    boolean ok() {
      return skipped == 0 && duplicated == 0 && disagreements == 0 && examples.isEmpty();
    }

    private void example(String example) {
      if (examples.size() < EXAMPLES) {
        examples.add(example);
      }
    }
  }

  Verdict check(List<ResumeRecord> records) {
    Verdict v = new Verdict();
    // seq -> (sender << 32 | n) as first read by anyone
    Long2LongHashMap messageAt = new Long2LongHashMap(-1);
    for (ResumeRecord r : records) {
      v.members++;
      v.resumes += r.resumes();
      v.replayGapsNotKept += r.replayGapsNotKept();
      v.replayGapsKept += r.replayGapsKept();
      v.liveGaps += r.liveGaps();
      for (String gap : r.keptGaps()) {
        if (v.keptGaps.size() < EXAMPLES) {
          v.keptGaps.add(r.name + ": " + gap);
        }
      }
      for (String anomaly : r.anomalies()) {
        v.example(r.name + ": " + anomaly);
      }
      long expected = r.startSeq() + 1; // the next seq it has neither read nor been told of
      for (int i = 0; i < r.size(); i++) {
        long seq = r.seq(i);
        if (r.isGap(i)) {
          long to = r.numberOrTo(i);
          v.gapsReported++;
          v.seqsInGaps += to - seq + 1;
          if (seq > expected) {
            skip(v, r, expected, seq - 1);
          }
          expected = Math.max(expected, to + 1);
          continue;
        }
        v.posts++;
        if (seq < expected) {
          v.duplicated++;
          v.example(r.name + ": seq " + seq + " again (or out of order), after " + (expected - 1));
          continue;
        }
        if (seq > expected) {
          skip(v, r, expected, seq - 1);
        }
        expected = seq + 1;
        long message = ((long) r.sender(i) << 32) | (r.numberOrTo(i) & 0xFFFFFFFFL);
        long known = messageAt.get(seq);
        if (known == -1) {
          messageAt.put(seq, message);
        } else if (known != message) {
          v.disagreements++;
          v.example(r.name + ": seq " + seq + " is another message than others read under it");
        }
      }
    }
    return v;
  }

  private static void skip(Verdict v, ResumeRecord r, long from, long to) {
    v.skipped += to - from + 1;
    v.example(r.name + ": seqs " + from + " to " + to + " neither read nor named by a GAP");
  }
}
