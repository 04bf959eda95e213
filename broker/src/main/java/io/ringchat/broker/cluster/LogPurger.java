package io.ringchat.broker.cluster;

import io.aeron.archive.client.AeronArchive;
import io.aeron.archive.client.RecordingDescriptorConsumer;
import io.aeron.cluster.RecordingLog;
import io.aeron.exceptions.AeronException;
import java.io.File;
import java.io.PrintStream;
import java.util.Locale;
import org.agrona.CloseHelper;

/**
 * Deletes what this member no longer needs below a purge point ({@link SnapshotAgreement}): the
 * log's archive segment files wholly below it, and the snapshots taken before it (a snapshot is
 * only of use with the log after it). The segment the point falls in stays, so the log kept starts
 * at most one segment before the point.
 *
 * <p>The node's watcher thread only: the archive requests wait for their answers.
 */
final class LogPurger implements AutoCloseable {
  private final AeronArchive.Context archiveContext;
  private final File clusterDir;
  private final int logStreamId;
  private final PrintStream out;
  private AeronArchive archive;
  private final NewestRecording found = new NewestRecording();

  LogPurger(
      AeronArchive.Context archiveContext, File clusterDir, int logStreamId, PrintStream out) {
    this.archiveContext = archiveContext;
    this.clusterDir = clusterDir;
    this.logStreamId = logStreamId;
    this.out = out;
  }

  /**
   * Purges below {@code position}. Returns whether it is done; false when the archive refused for
   * now (a segment being replayed to a member that catches up, say): try again later.
   */
  boolean purgeBelow(long position) {
    try {
      if (archive == null) {
        archive = connect();
      }
      long segments = purgeLog(position);
      int snapshots = purgeSnapshots(position);
      if (segments > 0 || snapshots > 0) {
        out.printf(
            Locale.ROOT,
            "cluster: purged below log position %d (%d log segment files, %d snapshot recordings)%n",
            position,
            segments,
            snapshots);
        out.flush();
      }
      return true;
    } catch (AeronException e) { // the archive refused, or the recording log was mid-write
      out.println("cluster: purge below log position " + position + " put off: " + e.getMessage());
      out.flush();
      return false;
    }
  }

  /**
   * The archive's client, on a driver client that the watcher's thread runs ({@link
   * #invokeClient}).
   */
  private AeronArchive connect() {
    return ClusterContext.withOwnedClient(
        archiveContext.aeronDirectoryName(),
        "purger",
        client -> AeronArchive.connect(archiveContext.clone().aeron(client).ownsAeronClient(true)));
  }

  /**
   * Runs the conductor of the archive client's driver client, once connected (the watcher's thread,
   * every watch interval).
   */
  void invokeClient() {
    if (archive != null) {
      ClusterContext.invokeConductor(archive.context().aeron());
    }
  }

  /** Detaches and deletes the log's segment files wholly below {@code position}. */
  private long purgeLog(long position) {
    archive.listRecordingsForUri(0, Integer.MAX_VALUE, "", logStreamId, found.reset(position));
    if (found.recordingId < 0) {
      return 0;
    }
    long from =
        AeronArchive.segmentFileBasePosition(
            found.start, position, found.termLength, found.segmentLength);
    return from > found.start ? archive.purgeSegments(found.recordingId, from) : 0;
  }

  /** Deletes the recordings of the snapshots taken before {@code position}. */
  private int purgeSnapshots(long position) {
    int purged = 0;
    try (RecordingLog log = new RecordingLog(clusterDir, false)) {
      for (RecordingLog.Entry entry : log.entries()) {
        if (entry.type == RecordingLog.ENTRY_TYPE_SNAPSHOT
            && entry.logPosition < position
            && archive.listRecording(entry.recordingId, found.reset(Long.MAX_VALUE)) > 0) {
          archive.purgeRecording(entry.recordingId);
          purged++;
        }
      }
    }
    return purged;
  }

  /** The newest recording of a listing that starts at or before a position. */
  private static final class NewestRecording implements RecordingDescriptorConsumer {
    private long atOrBefore;
    long recordingId;
    long start;
    int termLength;
    int segmentLength;

    NewestRecording reset(long atOrBefore) {
      this.atOrBefore = atOrBefore;
      this.recordingId = -1;
      return this;
    }

    @Override
    public void onRecordingDescriptor(
        long controlSessionId,
        long correlationId,
        long recordingId,
        long startTimestamp,
        long stopTimestamp,
        long startPosition,
        long stopPosition,
        int initialTermId,
        int segmentFileLength,
        int termBufferLength,
        int mtuLength,
        int sessionId,
        int streamId,
        String strippedChannel,
        String originalChannel,
        String sourceIdentity) {
      if (startPosition <= atOrBefore && recordingId > this.recordingId) {
        this.recordingId = recordingId;
        this.start = startPosition;
        this.termLength = termBufferLength;
        this.segmentLength = segmentFileLength;
      }
    }
  }

  @Override
  public void close() {
    CloseHelper.close(archive);
  }
}
