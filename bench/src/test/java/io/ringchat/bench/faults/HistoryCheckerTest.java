package io.ringchat.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker on histories made by hand: each anomaly it must name, and what it must let pass. */
class HistoryCheckerTest {
  private final Names names = new Names();
  private final List<ClientRecord> records = new ArrayList<>();

  /** A connection that joined at {@code welcome} and is still up at the end of the run. */
  private ClientRecord up(String name, long welcome) {
    ClientRecord r = new ClientRecord(names.id(name), 0, names);
    r.welcomed(welcome);
    records.add(r);
    return r;
  }

  private static void dropped(ClientRecord r, long at) {
    r.ended(at, "end of stream");
  }

  private static void sent(ClientRecord sender, long... times) {
    for (int i = 0; i < times.length; i++) {
      sender.sent(i + 1, times[i]);
    }
  }

  private static void read(ClientRecord reader, String sender, long... numbers) {
    for (long n : numbers) {
      reader.got(sender, n, 100 + n);
    }
  }

  private HistoryChecker.Verdict check() {
    for (ClientRecord r : records) {
      r.ended(1_000, ClientRecord.ENDED_BY_US); // no effect on one that ended before
    }
    return new HistoryChecker(names).check(records);
  }

  @Test
  void shouldConfirmWhatReachedEveryReaderOnceInOrder() {
    ClientRecord s = up("s", 1);
    sent(s, 10, 20, 30);
    read(up("a", 5), "s", 1, 2, 3);
    read(up("b", 5), "s", 1, 2, 3);
    HistoryChecker.Verdict v = check();
    assertThat(v.ok()).isTrue();
    assertThat(v.confirmed).isEqualTo(3);
  }

  @Test
  void shouldNameAMessageOneReaderMissedAsLost() {
    ClientRecord s = up("s", 1);
    sent(s, 10, 20, 30);
    read(up("a", 5), "s", 1, 2, 3);
    read(up("b", 5), "s", 1, 3);
    HistoryChecker.Verdict v = check();
    assertThat(v.lost).isEqualTo(1);
    assertThat(v.examples).anyMatch(e -> e.contains("s#2"));
  }

  @Test
  void shouldNameDuplicatesAndASendersMessagesOutOfOrder() {
    ClientRecord s = up("s", 1);
    sent(s, 10, 20, 30);
    read(up("a", 5), "s", 1, 2, 2, 3);
    read(up("b", 5), "s", 1, 3, 2);
    HistoryChecker.Verdict v = check();
    assertThat(v.duplicated).isEqualTo(1);
    assertThat(v.reordered).isPositive();
    assertThat(v.ok()).isFalse();
  }

  @Test
  void shouldNameTwoReadersThatSawTwoSendersInDifferentOrders() {
    sent(up("s", 1), 10);
    sent(up("t", 1), 10);
    ClientRecord a = up("a", 5);
    read(a, "s", 1);
    read(a, "t", 1);
    ClientRecord b = up("b", 5);
    read(b, "t", 1);
    read(b, "s", 1);
    assertThat(check().reordered).isEqualTo(1);
  }

  @Test
  void shouldLetALostSendersMessageReachAllOrNoneButNeverSome() {
    ClientRecord s = up("s", 1);
    sent(s, 10, 20, 30);
    dropped(s, 35);
    read(up("a", 5), "s", 1, 2);
    read(up("b", 5), "s", 1);
    HistoryChecker.Verdict v = check();
    assertThat(v.indeterminateToAll).isEqualTo(1);
    assertThat(v.indeterminateToNone).isEqualTo(1);
    assertThat(v.lost).as("#2 reached a but not b").isEqualTo(1);
  }

  @Test
  void shouldAccountForAMessageThatReachedNobodyOnlyWithARefusalThatCameAfterIt() {
    ClientRecord s = up("s", 1);
    sent(s, 10, 20, 30);
    s.refused(35);
    read(up("a", 5), "s", 1, 2);
    HistoryChecker.Verdict refused = check();
    assertThat(refused.ok()).isTrue();
    assertThat(refused.indeterminateToNone).isEqualTo(1);

    records.clear();
    ClientRecord early = up("s2", 1);
    sent(early, 10, 20, 30);
    early.refused(15); // refused #2, which was delivered: it cannot account for #3
    read(up("b", 5), "s2", 1, 2);
    assertThat(check().lost).isEqualTo(1);
  }

  @Test
  void shouldNameAGapInTheStretchOfAConnectionThatDroppedLater() {
    ClientRecord s = up("s", 1);
    sent(s, 10, 20, 30, 40);
    read(up("a", 5), "s", 1, 2, 3, 4);
    ClientRecord gone = up("gone", 5);
    read(gone, "s", 1, 3);
    dropped(gone, 45);
    HistoryChecker.Verdict v = check();
    assertThat(v.lost).isEqualTo(1);
    assertThat(v.gaps).isEqualTo(1);
    assertThat(v.examples).anyMatch(e -> e.contains("gone missed s#2"));
  }

  @Test
  void shouldNameAMessageSentAfterAConnectionJoinedThatItSkippedBeforeItsFirstRead() {
    ClientRecord s = up("s", 1);
    sent(s, 10, 20, 30);
    read(up("a", 5), "s", 1, 2, 3);
    ClientRecord late = up("late", 15); // after #1 was sent, before #2
    read(late, "s", 3);
    dropped(late, 45);
    HistoryChecker.Verdict v = check();
    assertThat(v.lost).as("#2, not #1, which was sent before it joined").isEqualTo(1);
    assertThat(v.examples).anyMatch(e -> e.contains("late missed s#2"));
  }
}
