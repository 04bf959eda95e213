package io.ringchat.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.aeron.archive.client.ArchiveException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Which errors of the consensus module make a member stuck: the archive refusing, again and again,
 * the replay of the member's own log that an election starts, as it did in fault-schedule seed
 * 955119261 (the message below is the one it gave). A clock the test moves.
 */
class StuckReplayDetectorTest {
  private long now = 1_000;
  private final List<String> stuck = new ArrayList<>();
  private final StuckReplayDetector detector = new StuckReplayDetector(() -> now, stuck::add);

  private static final String REFUSED =
      "response for correlationId=158, error: replayPosition=506048"
          + " (segmentFilePosition=0, segmentOffset=0, termOffset=506048, frameOffset=0) does not"
          + " point to a valid frame, recordingId=0, replaySessionId=9811263930,"
          + " segmentFile=0-0.rec";

  /** Aeron puts the category before what the archive said. */
  private static final String REFUSED_MESSAGE = "ERROR - " + REFUSED;

  /** The error as Aeron throws it from a leader's election. */
  static ArchiveException refusedReplay() {
    return refusedReplay("leaderReplay");
  }

  /** The error as Aeron throws it: from the election's log replay, when it starts the replay. */
  private static ArchiveException refusedReplay(String electionStep) {
    ArchiveException e = new ArchiveException(REFUSED);
    e.setStackTrace(
        new StackTraceElement[] {
          new StackTraceElement(
              "io.aeron.archive.client.AeronArchive", "pollForResponse", "AeronArchive.java", 2424),
          new StackTraceElement(
              "io.aeron.archive.client.AeronArchive", "startReplay", "AeronArchive.java", 1047),
          new StackTraceElement("io.aeron.cluster.LogReplay", "<init>", "LogReplay.java", 57),
          new StackTraceElement(
              "io.aeron.cluster.ConsensusModuleAgent",
              "newLogReplay",
              "ConsensusModuleAgent.java",
              1798),
          new StackTraceElement("io.aeron.cluster.Election", electionStep, "Election.java", 830),
        });
    return e;
  }

  private void after(long ms) {
    now += TimeUnit.MILLISECONDS.toNanos(ms);
  }

  @Test
  void shouldSayStuckOnceAtTheThirdRefusedReplayOfItsOwnLogWithinTenSeconds() {
    detector.onError(refusedReplay("leaderReplay"));
    after(600);
    detector.onError(refusedReplay("leaderReplay"));
    assertThat(stuck).isEmpty();
    after(330);
    detector.onError(refusedReplay("leaderReplay"));

    assertThat(stuck).containsExactly(REFUSED_MESSAGE);

    after(500);
    detector.onError(refusedReplay("leaderReplay"));
    assertThat(stuck).as("once: the node restarts the member, with a new detector").hasSize(1);
  }

  @Test
  void shouldCountAFollowersRefusedReplayAsWell() {
    for (int i = 0; i < StuckReplayDetector.REFUSALS; i++) {
      after(400);
      detector.onError(refusedReplay("followerReplay"));
    }

    assertThat(stuck).hasSize(1);
  }

  @Test
  void shouldNotSayStuckForRefusalsFurtherApartThanTheWindow() {
    for (int i = 0; i < 10; i++) {
      detector.onError(refusedReplay("leaderReplay"));
      after(5_001); // three of them span more than 10 s
    }

    assertThat(stuck).isEmpty();

    detector.onError(refusedReplay("leaderReplay"));
    after(100);
    detector.onError(refusedReplay("leaderReplay"));

    assertThat(stuck).as("the last three within 10 s").hasSize(1);
  }

  @Test
  void shouldIgnoreOtherErrors() {
    ArchiveException elsewhere = new ArchiveException(REFUSED); // not from the log replay
    ArchiveException otherRefusal = refusedReplay("leaderReplay");
    ArchiveException other =
        new ArchiveException("requested replay start position=0 is less than recording");
    other.setStackTrace(otherRefusal.getStackTrace());
    IllegalStateException notArchive = new IllegalStateException(REFUSED);
    notArchive.setStackTrace(otherRefusal.getStackTrace());

    for (int i = 0; i < 5; i++) {
      detector.onError(elsewhere);
      detector.onError(other);
      detector.onError(notArchive);
      detector.onError(new ArchiveException());
    }

    assertThat(stuck).isEmpty();
    assertThat(StuckReplayDetector.isOwnLogReplayRefused(refusedReplay("leaderReplay"))).isTrue();
  }
}
