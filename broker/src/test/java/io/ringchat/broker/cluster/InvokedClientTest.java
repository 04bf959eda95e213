package io.ringchat.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A driver client without a thread of its own ({@link ClusterContext#invokedClient}) hears all the
 * news its driver has for it each time its user runs it, not one message a run.
 */
class InvokedClientTest {
  private static final int STREAM = 7;

  @Test
  void shouldLearnOfEveryNewImageInOneRun(@TempDir Path dir) {
    int publications = 20;
    List<ExclusivePublication> added = new ArrayList<>();
    try (MediaDriver driver =
            MediaDriver.launch(
                new MediaDriver.Context()
                    .aeronDirectoryName(dir.resolve("aeron").toString())
                    .threadingMode(ThreadingMode.SHARED)
                    .dirDeleteOnShutdown(true));
        Aeron reader = ClusterContext.invokedClient(driver.aeronDirectoryName(), "reader");
        Aeron writer =
            Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()))) {
      Subscription subscription = reader.addSubscription("aeron:ipc", STREAM);
      try {
        // Each publication the driver links to the subscription is one message of news for every
        // client (and its answer to the writer another): a backlog like a member's after an
        // election, when a broker's link learns of the new leader's egress.
        for (int i = 0; i < publications; i++) {
          added.add(writer.addExclusivePublication("aeron:ipc", STREAM));
        }
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> added.stream().allMatch(ExclusivePublication::isConnected));

        int work = ClusterContext.invokeConductor(reader);

        assertThat(subscription.imageCount()).isEqualTo(publications);
        assertThat(work).isGreaterThanOrEqualTo(publications);
      } finally {
        CloseHelper.closeAll(added);
      }
    }
  }
}
