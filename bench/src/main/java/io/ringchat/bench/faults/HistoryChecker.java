package io.ringchat.bench.faults;

import java.util.ArrayList;
import java.util.List;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.collections.LongHashSet;

/**
 * Decides from what every client saw whether the room lost, duplicated or reordered anything, in
 * the spirit of Jepsen's checkers, which name each anomaly from the clients' histories:
 *
 * <ul>
 *   <li>A <em>reader window</em> runs from a connection's WELCOME to the end of the run, on a
 *       connection that never dropped; a message sent after the WELCOME falls in it.
 *   <li>A message is <em>confirmed</em> when its sender's connection stayed up to the end (or to
 *       its own LEAVE) and no {@code ERR unavailable} refused it: it reaches every reader whose
 *       window it falls in, exactly once. ERR lines name no message, so each refusal may account
 *       for one message, sent before it, that reached none of them; any other message that reached
 *       none, or only some, is lost.
 *   <li>A message is <em>indeterminate</em> when its sender's connection was lost: it reaches all
 *       such readers or none of them, never some.
 *   <li>Every connection, dropped or not, sees one stretch of the room's one order: messages read
 *       by two connections come in the same order to both, each sender's in the order sent, none
 *       twice; and a message that another connection read between two that this one read, this one
 *       read too (unless it sent it): a gap there is a loss even on a connection that dropped
 *       later.
 * </ul>
 *
 * <p>Runs once, after the run, on the run's thread.
 */
final class HistoryChecker {
  /** How far apart two connections may read the same stretch of the room (a paused broker). */
  private static final long SLACK_NANOS = 120_000_000_000L;

  private static final int EXAMPLES = 5;

  private final Names names;

  /** Every connection's record, by its id: whose message was sent when. */
  private final Int2ObjectHashMap<ClientRecord> byId = new Int2ObjectHashMap<>();

  HistoryChecker(Names names) {
    this.names = names;
  }

  /** The counts the report prints, with a few examples of each violation. */
  static final class Verdict {
    long sent;
    long confirmed;
    long refusals;
    long indeterminateToAll;
    long indeterminateToNone;
    long unchecked;
    long lost;
    long missedDeliveries;
    long gaps;

    /** Messages no window covered, but read by some connection (checked for order and gaps). */
    long orderOnly;

    long duplicated;
    long reordered;
    final List<String> examples = new ArrayList<>();
    private int lostExamples;
    private int duplicateExamples;
    private int reorderExamples;

    boolean ok() {
      return lost == 0 && duplicated == 0 && reordered == 0;
    }

    private void lostExample(String example) {
      if (lostExamples++ < EXAMPLES) {
        examples.add("lost: " + example);
      }
    }

    private void duplicateExample(String example) {
      if (duplicateExamples++ < EXAMPLES) {
        examples.add("duplicated: " + example);
      }
    }

    private void reorderExample(String example) {
      if (reorderExamples++ < EXAMPLES) {
        examples.add("reordered: " + example);
      }
    }
  }

  /** One connection's reads, indexed. */
  private static final class Reads {
    final ClientRecord record;
    final long[] keys;
    final long[] nanos;
    final Long2LongHashMap index = new Long2LongHashMap(-1);

    Reads(ClientRecord record, long[] keys, long[] nanos) {
      this.record = record;
      this.keys = keys;
      this.nanos = nanos;
    }

    /**
     * Whether the two may have read a message in common: both read something, within the slack of
     * each other (a message reaches every member within it).
     */
    boolean mayShare(Reads other) {
      return keys.length > 0
          && other.keys.length > 0
          && nanos[0] - SLACK_NANOS - other.nanos[other.nanos.length - 1] <= 0
          && other.nanos[0] - SLACK_NANOS - nanos[nanos.length - 1] <= 0;
    }
  }

  static long key(int sender, long n) {
    return ((long) sender << 40) | n;
  }

  private static int sender(long key) {
    return (int) (key >>> 40);
  }

  private static long number(long key) {
    return key & ((1L << 40) - 1);
  }

  private String describe(long key) {
    return names.name(sender(key)) + "#" + number(key);
  }

  Verdict check(List<ClientRecord> records) {
    Verdict verdict = new Verdict();
    LongHashSet lostKeys = new LongHashSet();
    List<Reads> reads = new ArrayList<>();
    for (ClientRecord record : records) {
      byId.put(record.id, record);
    }
    for (ClientRecord record : records) {
      verdict.sent += record.sentCount();
      verdict.refusals += record.refusedNanos().size();
      if (record.joined()) {
        reads.add(index(record, verdict));
      }
    }
    checkDelivery(records, reads, verdict, lostKeys);
    // Pairs of connections: each costs about the shorter one's reads (a long run has a thousand).
    for (Reads a : reads) {
      for (Reads b : reads) {
        if (a != b && a.mayShare(b)) {
          checkGaps(a, b, verdict, lostKeys);
          if (a.record.id < b.record.id) {
            checkOneOrder(a, b, verdict);
          }
        }
      }
    }
    verdict.lost = lostKeys.size();
    return verdict;
  }

  /** Indexes a connection's reads, counting duplicates and each sender's order on the way. */
  private Reads index(ClientRecord record, Verdict verdict) {
    int count = record.gotCount();
    LongArrayList keys = new LongArrayList(count, -1);
    LongArrayList nanos = new LongArrayList(count, -1);
    Long2LongHashMap lastBySender = new Long2LongHashMap(0);
    LongHashSet seen = new LongHashSet();
    for (int i = 0; i < count; i++) {
      int sender = record.gotSender(i);
      long n = record.gotNumber(i);
      long key = key(sender, n);
      if (!seen.add(key)) {
        verdict.duplicated++;
        verdict.duplicateExample(describe(key) + " read twice by " + record.name());
        continue;
      }
      long last = lastBySender.get(sender);
      if (n < last) {
        verdict.reordered++;
        verdict.reorderExample(
            record.name() + " read " + describe(key) + " after " + describe(key(sender, last)));
      }
      lastBySender.put(sender, Math.max(last, n));
      keys.addLong(key);
      nanos.addLong(record.gotNanos(i));
    }
    Reads indexed = new Reads(record, keys.toLongArray(), nanos.toLongArray());
    for (int i = 0; i < indexed.keys.length; i++) {
      indexed.index.put(indexed.keys[i], i);
    }
    return indexed;
  }

  /** Each message against the windows it falls in: confirmed, indeterminate, refused or lost. */
  private void checkDelivery(
      List<ClientRecord> records, List<Reads> reads, Verdict verdict, LongHashSet lostKeys) {
    List<Reads> windows = new ArrayList<>();
    for (Reads r : reads) {
      if (!r.record.dropped() && !r.record.left()) {
        windows.add(r);
      }
    }
    for (ClientRecord sender : records) {
      LongArrayList reachedNone = new LongArrayList();
      for (long n = 1; n <= sender.sentCount(); n++) {
        long key = key(sender.id, n);
        long sentAt = sender.sentNanos(n);
        int covering = 0;
        int delivered = 0;
        String missing = null;
        for (Reads w : windows) {
          if (w.record.id == sender.id || w.record.welcomeNanos() - sentAt >= 0) {
            continue;
          }
          covering++;
          if (w.index.get(key) >= 0) {
            delivered++;
          } else if (missing == null) {
            missing = w.record.name();
          }
        }
        if (covering == 0) {
          if (readBySomeone(reads, key)) {
            verdict.orderOnly++;
          } else {
            verdict.unchecked++;
          }
        } else if (sender.dropped()) {
          if (delivered == covering) {
            verdict.indeterminateToAll++;
          } else if (delivered == 0) {
            verdict.indeterminateToNone++;
          } else {
            lost(
                verdict,
                lostKeys,
                key,
                covering - delivered,
                "its sender's connection was lost,"
                    + " so it must reach every reader or none, but it reached "
                    + delivered
                    + " of "
                    + covering
                    + " (not "
                    + missing
                    + ")");
          }
        } else if (delivered == covering) {
          verdict.confirmed++;
        } else if (delivered == 0) {
          reachedNone.addLong(n);
        } else {
          lost(
              verdict,
              lostKeys,
              key,
              covering - delivered,
              "reached " + delivered + " of " + covering + " readers (not " + missing + ")");
        }
      }
      matchRefusals(sender, reachedNone, verdict, lostKeys);
    }
  }

  private static boolean readBySomeone(List<Reads> reads, long key) {
    for (Reads r : reads) {
      if (r.index.get(key) >= 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Messages of a connection that stayed up and reached no reader: each must be one that an {@code
   * ERR unavailable} refused, the refusals coming in the order of the SENDs, each after its SEND.
   */
  private void matchRefusals(
      ClientRecord sender, LongArrayList reachedNone, Verdict verdict, LongHashSet lostKeys) {
    LongArrayList refusals = sender.refusedNanos();
    int next = 0;
    for (int i = 0; i < reachedNone.size(); i++) {
      long n = reachedNone.getLong(i);
      long sentAt = sender.sentNanos(n);
      while (next < refusals.size() && refusals.getLong(next) - sentAt < 0) {
        next++;
      }
      if (next < refusals.size()) {
        next++;
        verdict.indeterminateToNone++;
      } else {
        lost(verdict, lostKeys, key(sender.id, n), 1, "reached no reader, and no ERR refused it");
      }
    }
  }

  private void lost(Verdict verdict, LongHashSet lostKeys, long key, int missed, String why) {
    verdict.missedDeliveries += missed;
    if (lostKeys.add(key)) {
      verdict.lostExample(describe(key) + " " + why);
    }
  }

  /**
   * What {@code b} read between two messages that {@code a} read was ordered while {@code a} was in
   * the room: {@code a} must have read it too, unless it was {@code a}'s own. So must what {@code
   * b} read before {@code a}'s first such message that was sent after {@code a}'s WELCOME.
   */
  private void checkGaps(Reads a, Reads b, Verdict verdict, LongHashSet lostKeys) {
    // Where in b's order a's stretch starts and ends: found through the shorter of the two.
    int first = Integer.MAX_VALUE;
    int last = -1;
    if (a.keys.length < b.keys.length) {
      for (long key : a.keys) {
        int at = (int) b.index.get(key);
        if (at >= 0) {
          first = Math.min(first, at);
          last = Math.max(last, at);
        }
      }
    } else {
      for (int i = 0; i < b.keys.length; i++) {
        if (a.index.get(b.keys[i]) >= 0) {
          first = Math.min(first, i);
          last = i;
        }
      }
    }
    if (last < 0) {
      return;
    }
    for (int i = first + 1; i < last; i++) {
      missedBy(a, b, b.keys[i], verdict, lostKeys);
    }
    long joined = a.record.welcomeNanos();
    for (int i = first - 1; i >= 0 && b.nanos[i] - joined >= 0; i--) {
      if (sentAfter(b.keys[i], joined)) {
        missedBy(a, b, b.keys[i], verdict, lostKeys);
      }
    }
  }

  /** {@code a} should have read {@code key}, which {@code b} read in a's stretch of the room. */
  private void missedBy(Reads a, Reads b, long key, Verdict verdict, LongHashSet lostKeys) {
    if (sender(key) == a.record.id || a.index.get(key) >= 0) {
      return;
    }
    verdict.gaps++;
    if (lostKeys.add(key)) {
      verdict.lostExample(
          a.record.name()
              + " missed "
              + describe(key)
              + ", which "
              + b.record.name()
              + " read in the stretch of the room's order when "
              + a.record.name()
              + " was a member");
    }
  }

  /** Whether message {@code key} was sent after {@code nanos}. */
  private boolean sentAfter(long key, long nanos) {
    ClientRecord sender = byId.get(sender(key));
    return sender != null && sender.sentNanos(number(key)) - nanos > 0;
  }

  /** The messages both read come in the same order to both (walked along the shorter). */
  private void checkOneOrder(Reads a, Reads b, Verdict verdict) {
    Reads walk = a.keys.length <= b.keys.length ? a : b;
    Reads other = walk == a ? b : a;
    long lastIndex = -1;
    long lastKey = 0;
    for (long key : walk.keys) {
      long at = other.index.get(key);
      if (at < 0) {
        continue;
      }
      if (at < lastIndex) {
        verdict.reordered++;
        verdict.reorderExample(
            walk.record.name()
                + " read "
                + describe(lastKey)
                + " before "
                + describe(key)
                + ", "
                + other.record.name()
                + " the other way round");
        return; // one inversion per pair is enough to say so
      }
      lastIndex = at;
      lastKey = key;
    }
  }
}
