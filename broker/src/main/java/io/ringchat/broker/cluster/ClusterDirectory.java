package io.ringchat.broker.cluster;

import io.aeron.archive.ArchiveMarkFile;
import io.aeron.cluster.service.ClusterMarkFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A member's {@code --cluster-dir}, held by one process at a time. Opening it:
 *
 * <ol>
 *   <li>locks it ({@code ringchat.lock}, an operating-system file lock, which a killed process
 *       loses with its life), so that two brokers given the same directory are told so in one line
 *       instead of corrupting it;
 *   <li>checks the format of the log and snapshots in it ({@code ringchat-format}, written when a
 *       member first starts there): a directory of another format, or of none (a ringchat from
 *       before the file), is refused in one line, since its log and snapshots would be read
 *       wrongly;
 *   <li>releases the mark files that a killed member left. Aeron takes a mark file whose activity
 *       time is recent for one in use and refuses it, for about 10 s after a kill, or for ever when
 *       the kill came while the file was being activated (its time is then {@code Long.MAX_VALUE}).
 *       With the lock held no other process can be using them, so their time is set to the value a
 *       clean stop leaves (-1), and the member starts at once.
 * </ol>
 *
 * <p>The thread that starts and stops the broker.
 */
final class ClusterDirectory implements AutoCloseable {
  /**
   * Version 2: snapshots begin with their format. Version 3: every log message states its layout.
   * Version 4: the room's history (positioned joins in the log, kept lines in snapshots). Version
   * 5: the log's timestamps are epoch nanoseconds, and ingress messages may be traced.
   */
  static final int FORMAT_VERSION = 5;

  static final String FORMAT_FILE = "ringchat-format";
  static final String LOCK_FILE = "ringchat.lock";

  /** A mark file's activity time when its owner stopped cleanly (Aeron's {@code NULL_VALUE}). */
  private static final long TERMINATED = -1;

  private final FileChannel lockChannel;
  private final FileLock lock;

  private ClusterDirectory(FileChannel lockChannel, FileLock lock) {
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Locks {@code dir} (made if missing), checks its format and releases a dead owner's mark files.
   *
   * @throws IllegalStateException with a one-line message saying what the operator must do
   */
  static ClusterDirectory open(Path dir) {
    FileChannel channel = null;
    try {
      Files.createDirectories(dir);
      channel =
          FileChannel.open(
              dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // this very process holds it
      }
      if (lock == null) {
        throw new IllegalStateException(
            "--cluster-dir "
                + dir
                + " is in use by another running broker: stop it, or give this one a directory"
                + " of its own");
      }
      ClusterDirectory opened = new ClusterDirectory(channel, lock);
      try {
        checkAndMarkFormat(dir);
        releaseMarkFiles(dir);
      } catch (RuntimeException | IOException e) {
        opened.close();
        throw e;
      }
      return opened;
    } catch (IOException e) {
      CloseHelper.quietClose(channel);
      throw new UncheckedIOException("cannot use --cluster-dir " + dir + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      CloseHelper.quietClose(channel);
      throw e;
    }
  }

  private static void checkAndMarkFormat(Path dir) throws IOException {
    Path marker = dir.resolve(FORMAT_FILE);
    if (Files.exists(marker)) {
      String found = Files.readString(marker, StandardCharsets.UTF_8).strip();
      if (!found.equals(String.valueOf(FORMAT_VERSION))) {
        throw refused(dir, found);
      }
      return;
    }
    if (Files.exists(dir.resolve("cluster").resolve("recording.log"))) {
      throw refused(dir, "1");
    }
    Files.writeString(marker, FORMAT_VERSION + "\n", StandardCharsets.UTF_8);
  }

  private static IllegalStateException refused(Path dir, String found) {
    return new IllegalStateException(
        "--cluster-dir "
            + dir
            + " holds a cluster in format "
            + found
            + " and this ringchat reads format "
            + FORMAT_VERSION
            + ": it cannot be loaded; move it away and start the room's members with empty"
            + " directories");
  }

  /** The mark files a member leaves, and where in each its activity time is. */
  private record MarkFile(Path path, int timestampOffset) {}

  private static List<MarkFile> markFiles(Path dir) {
    // Each file begins with an SBE message header, then its mark file header.
    int cluster =
        io.aeron.cluster.codecs.mark.MessageHeaderDecoder.ENCODED_LENGTH
            + io.aeron.cluster.codecs.mark.MarkFileHeaderDecoder.activityTimestampEncodingOffset();
    int archive =
        io.aeron.archive.codecs.mark.MessageHeaderDecoder.ENCODED_LENGTH
            + io.aeron.archive.codecs.mark.MarkFileHeaderDecoder.activityTimestampEncodingOffset();
    Path clusterDir = dir.resolve("cluster");
    return List.of(
        new MarkFile(clusterDir.resolve(ClusterMarkFile.FILENAME), cluster),
        new MarkFile(clusterDir.resolve(ClusterMarkFile.markFilenameForService(0)), cluster),
        new MarkFile(dir.resolve("archive").resolve(ArchiveMarkFile.FILENAME), archive));
  }

  private static void releaseMarkFiles(Path dir) throws IOException {
    for (MarkFile mark : markFiles(dir)) {
      if (!Files.exists(mark.path()) || Files.size(mark.path()) < mark.timestampOffset() + 8) {
        continue;
      }
      try (FileChannel file =
          FileChannel.open(mark.path(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        MappedByteBuffer mapped =
            file.map(FileChannel.MapMode.READ_WRITE, 0, mark.timestampOffset() + 8);
        try {
          new UnsafeBuffer(mapped)
              .putLong(mark.timestampOffset(), TERMINATED, ByteOrder.LITTLE_ENDIAN);
          mapped.force();
        } finally {
          IoUtil.unmap(mapped);
        }
      }
    }
  }

  /** Unlocks the directory. */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // the channel's close below releases it too
    }
    CloseHelper.quietClose(lockChannel);
  }
}
