package io.ringchat.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The resume checker on records made by hand: what it must name, and what it must let pass. */
class ResumeCheckerTest {
  private static ResumeRecord member(String name, long start) {
    ResumeRecord r = new ResumeRecord(name);
    r.started(start);
    r.joined(false);
    return r;
  }

  /** Reads POSTs {@code seqs}, each message {@code n = seq} of sender 1. */
  private static void posts(ResumeRecord r, long... seqs) {
    for (long seq : seqs) {
      r.post(seq, 1, seq);
    }
  }

  @Test
  void shouldPassSeqsThatFollowOneAnotherOrWereNamedByAGapAcrossResumes() {
    ResumeRecord ann = member("ann", 3);
    posts(ann, 4, 5);
    ann.joined(true);
    ann.gap(6, 8);
    posts(ann, 9, 10);
    ResumeRecord bob = member("bob", 0);
    posts(bob, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);

    ResumeChecker.Verdict v = new ResumeChecker().check(List.of(ann, bob));

    assertThat(v.ok()).as(v.examples.toString()).isTrue();
    assertThat(v.resumes).isEqualTo(1);
    assertThat(v.gapsReported).isEqualTo(1);
    assertThat(v.seqsInGaps).isEqualTo(3);
    assertThat(v.posts).isEqualTo(14);
  }

  @Test
  void shouldTellAReplaysGapOfWhatTheRoomNoLongerKeptFromOneOfWhatItKeptAndFromALiveGap() {
    ResumeRecord ann = member("ann", 0);
    posts(ann, 1);
    ann.joined(true);
    ann.replayGap(2, 1_000, 2_000, 1_000, 0); // the room keeps 1,001..2,000: the room's gap
    posts(ann, 1_001);
    ann.joined(true);
    ann.replayGap(1_002, 2_100, 2_500, 1_000, 1); // 1,501..2,100 were kept: the copy's gap
    posts(ann, 2_101);
    ann.liveGap(2_102, 2_110);
    posts(ann, 2_111);

    ResumeChecker.Verdict v = new ResumeChecker().check(List.of(ann));

    assertThat(v.ok()).as(v.examples.toString()).isTrue();
    assertThat(v.gapsReported).isEqualTo(3);
    assertThat(v.replayGapsNotKept).isEqualTo(1);
    assertThat(v.replayGapsKept).isEqualTo(1);
    assertThat(v.liveGaps).isEqualTo(1);
    assertThat(v.keptGaps)
        .containsExactly(
            "ann: GAP 1002 2100 in a replay on broker 1 joined at 2500 (the room keeps 1000)");
  }

  @Test
  void shouldNameASeqSkippedWithoutAGapOneReadTwiceAndAnotherMessageUnderASeq() {
    ResumeRecord skipper = member("skipper", 0);
    posts(skipper, 1, 2, 4); // 3 neither read nor named
    ResumeRecord twice = member("twice", 0);
    posts(twice, 1, 2, 2, 3);
    ResumeRecord other = member("other", 0);
    other.post(1, 1, 1);
    other.post(2, 7, 99); // not what the others read under seq 2

    ResumeChecker.Verdict v = new ResumeChecker().check(List.of(skipper, twice, other));

    assertThat(v.ok()).isFalse();
    assertThat(v.skipped).isEqualTo(1);
    assertThat(v.duplicated).isEqualTo(1);
    assertThat(v.disagreements).isEqualTo(1);
  }

  @Test
  void shouldNameWhatACheckedMemberWasToldThatAClusterNeverSays() {
    ResumeRecord r = member("r", 0);
    r.anomaly("GAP unknown");
    assertThat(new ResumeChecker().check(List.of(r)).ok()).isFalse();
  }
}
