package io.ringchat.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aeron.archive.ArchiveMarkFile;
import io.aeron.cluster.service.ClusterMarkFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A member's directory: one process at a time, one format, a dead owner's mark files released. */
class ClusterDirectoryTest {
  @TempDir Path dir;

  @Test
  void shouldMarkANewDirectoryWithItsFormatAndOpenItAgainAfterClose() throws IOException {
    ClusterDirectory.open(dir).close();
    assertThat(Files.readString(dir.resolve(ClusterDirectory.FORMAT_FILE), StandardCharsets.UTF_8))
        .isEqualTo(ClusterDirectory.FORMAT_VERSION + "\n");
    ClusterDirectory.open(dir).close();
  }

  @Test
  void shouldRefuseADirectoryThatAnotherBrokerHoldsInOneLine() {
    ClusterDirectory held = ClusterDirectory.open(dir);
    try {
      assertThatThrownBy(() -> ClusterDirectory.open(dir))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(
              "--cluster-dir "
                  + dir
                  + " is in use by another running broker: stop it, or give this one a directory"
                  + " of its own");
    } finally {
      held.close();
    }
  }

  @Test
  void shouldRefuseAClusterOfAnOlderFormatSayingWhatToDo() throws IOException {
    Files.createDirectories(dir.resolve("cluster"));
    Files.writeString(dir.resolve("cluster").resolve("recording.log"), "");
    assertThatThrownBy(() -> ClusterDirectory.open(dir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "holds a cluster in format 1 and this ringchat reads format "
                + ClusterDirectory.FORMAT_VERSION)
        .hasMessageContaining("start the room's members with empty directories")
        .hasMessageNotContaining("\n");
    int newer = ClusterDirectory.FORMAT_VERSION + 1;
    Files.writeString(dir.resolve(ClusterDirectory.FORMAT_FILE), newer + "\n");
    assertThatThrownBy(() -> ClusterDirectory.open(dir)).hasMessageContaining("in format " + newer);
  }

  @Test
  void shouldReleaseTheMarkFilesOfAKilledMemberWhoseTimesLookAlive() throws IOException {
    int cluster =
        io.aeron.cluster.codecs.mark.MessageHeaderDecoder.ENCODED_LENGTH
            + io.aeron.cluster.codecs.mark.MarkFileHeaderDecoder.activityTimestampEncodingOffset();
    int archive =
        io.aeron.archive.codecs.mark.MessageHeaderDecoder.ENCODED_LENGTH
            + io.aeron.archive.codecs.mark.MarkFileHeaderDecoder.activityTimestampEncodingOffset();
    Path consensus = dir.resolve("cluster").resolve(ClusterMarkFile.FILENAME);
    Path service = dir.resolve("cluster").resolve(ClusterMarkFile.markFilenameForService(0));
    Path archiveMark = dir.resolve("archive").resolve(ArchiveMarkFile.FILENAME);
    // Killed a moment ago, and killed while activating (Aeron's Long.MAX_VALUE: alive for ever).
    markFile(consensus, cluster, System.currentTimeMillis());
    markFile(service, cluster, Long.MAX_VALUE);
    markFile(archiveMark, archive, System.currentTimeMillis());
    Files.writeString(
        dir.resolve(ClusterDirectory.FORMAT_FILE), ClusterDirectory.FORMAT_VERSION + "\n");

    ClusterDirectory.open(dir).close();

    assertThat(timestamp(consensus, cluster)).isEqualTo(-1);
    assertThat(timestamp(service, cluster)).isEqualTo(-1);
    assertThat(timestamp(archiveMark, archive)).isEqualTo(-1);
  }

  private static void markFile(Path path, int offset, long timestamp) throws IOException {
    Files.createDirectories(path.getParent());
    ByteBuffer bytes = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
    bytes.putLong(offset, timestamp);
    try (FileChannel file =
        FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      file.write(bytes);
    }
  }

  private static long timestamp(Path path, int offset) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
    return bytes.getLong(offset);
  }
}
