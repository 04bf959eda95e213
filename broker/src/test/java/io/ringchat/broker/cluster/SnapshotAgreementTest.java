package io.ringchat.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SnapshotAgreementTest {
  @Test
  void shouldPurgeNothingUntilEveryMemberHasReportedTwoRounds() {
    SnapshotAgreement agreement = new SnapshotAgreement(3);
    assertThat(agreement.onReport(0, 100)).isEqualTo(-1);
    assertThat(agreement.onReport(1, 100)).isEqualTo(-1);
    assertThat(agreement.onReport(2, 100)).isEqualTo(-1); // the first agreement: kept as margin
    assertThat(agreement.onReport(0, 200)).isEqualTo(-1);
    assertThat(agreement.onReport(1, 200)).isEqualTo(-1);
    assertThat(agreement.onReport(2, 200)).isEqualTo(100); // the one before the newest
  }

  @Test
  void shouldKeepTheLogAMemberThatIsDownStillNeeds() {
    SnapshotAgreement agreement = new SnapshotAgreement(3);
    for (long round = 100; round <= 200; round += 100) {
      for (int member = 0; member < 3; member++) {
        agreement.onReport(member, round);
      }
    }
    // Member 2 is down from here: the others go on snapshotting, the purge point stays.
    for (long round = 300; round <= 900; round += 100) {
      assertThat(agreement.onReport(0, round)).isEqualTo(-1);
      assertThat(agreement.onReport(1, round)).isEqualTo(-1);
    }
    // Back, and caught up: its snapshots move the agreement on again.
    assertThat(agreement.onReport(2, 1000)).isEqualTo(200);
    assertThat(agreement.onReport(0, 1000)).isEqualTo(-1);
    assertThat(agreement.onReport(1, 1000)).isEqualTo(900);
    assertThat(agreement.onReport(2, 1100)).isEqualTo(-1);
    assertThat(agreement.onReport(0, 1100)).isEqualTo(-1);
    assertThat(agreement.onReport(1, 1100)).isEqualTo(1000);
  }

  @Test
  void shouldIgnoreOldRepeatedAndUnknownReports() {
    SnapshotAgreement agreement = new SnapshotAgreement(2);
    agreement.onReport(0, 100);
    agreement.onReport(1, 100);
    agreement.onReport(0, 200);
    assertThat(agreement.onReport(1, 200)).isEqualTo(100);
    assertThat(agreement.onReport(1, 200)).isEqualTo(-1); // the same report again (a replay)
    assertThat(agreement.onReport(0, 150)).isEqualTo(-1); // older than what it said before
    assertThat(agreement.onReport(5, 999)).isEqualTo(-1); // no such member
    assertThat(agreement.onReport(-1, 999)).isEqualTo(-1);
  }

  @Test
  void shouldCutTheLogIntoSegmentsOfAQuarterSnapshotIntervalWithinTheArchivesLimits() {
    assertThat(new ClusterContext().snapshotIntervalBytes(64L << 20).archiveSegmentBytes())
        .isEqualTo(16 << 20);
    assertThat(new ClusterContext().snapshotIntervalBytes(100L << 20).archiveSegmentBytes())
        .isEqualTo(16 << 20); // a power of two
    ClusterContext tiny = new ClusterContext().snapshotIntervalBytes(1024);
    assertThat(tiny.archiveSegmentBytes()).isEqualTo(tiny.logTermLength()); // never below it
    assertThat(new ClusterContext().snapshotIntervalBytes(Long.MAX_VALUE).archiveSegmentBytes())
        .isEqualTo(1 << 30);
  }
}
