package io.ringchat.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringchat.broker.ring.EventKind;
import io.ringchat.protocol.ErrorCode;
import io.ringchat.protocol.testing.FloodControl;
import io.ringchat.protocol.testing.ItResources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Slow members, a full ring and a failing room: the room never waits and never stops. *
 *
 * <p>Tens of MB through a broker tracking every buffer: apart from other classes that load the CPU.
 */
@ResourceLock(ItResources.CPU)
class BackPressureIT {

  @Test
  void shouldRemoveMemberThatNeverReadsWhileOthersLoseNothing() throws Exception {
    try (RunningBroker broker = RunningBroker.start(FloodControl.off("--max-pending=65536"))) {
      LineClient sleeper = LineClient.joined(broker.address(), "sleeper");
      sleeper.socket.setReceiveBufferSize(4096);
      try (LineClient reader = LineClient.joined(broker.address(), "reader");
          LineClient flooder = LineClient.joined(broker.address(), "flooder")) {
        reader.readLine(); // JOINED flooder
        // Large lines (PARANOID leak tracking makes each buffer the in-process broker allocates
        // expensive), sent until the reader has seen the sleeper removed and a little after: far
        // beyond what socket buffers and max-pending hold, and no further (at most ~20 MB).
        String text = "x".repeat(4000);
        AtomicBoolean removed = new AtomicBoolean();
        AtomicInteger sent = new AtomicInteger();
        Thread flood =
            new Thread(
                () -> {
                  try {
                    int after = 0;
                    while (sent.get() < 5_000 && after < 64) {
                      StringBuilder burst = new StringBuilder();
                      for (int i = 0; i < 16; i++) {
                        burst.append("SEND ").append(sent.getAndIncrement()).append(' ');
                        burst.append(text).append('\n');
                      }
                      flooder.sendRaw(burst.toString().getBytes(StandardCharsets.UTF_8));
                      after += removed.get() ? 16 : 0;
                    }
                  } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                  }
                });
        flood.start();
        int next = 0;
        boolean sawLeft = false;
        while (next < sent.get() || flood.isAlive()) {
          if (next == sent.get()) {
            Thread.sleep(1); // everything numbered so far is read; the flooder numbers more
            continue;
          }
          String line = reader.readLine();
          if (line.equals("LEFT sleeper")) {
            sawLeft = true;
            removed.set(true);
            continue;
          }
          assertThat(line).startsWith("MSG flooder " + next + " ");
          next++;
        }
        flood.join();
        assertThat(next).isEqualTo(sent.get());
        assertThat(sawLeft).isTrue();
        assertThat(broker.broker.counters().slowConsumers()).isEqualTo(1);
      }
      sleeper.close();
    }
  }

  @Test
  void shouldLoseAndReorderNothingWhenTheRingIsFull() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (RunningBroker broker =
        RunningBroker.start(
            event -> {
              if (event.kind() == EventKind.SEND && release.getCount() > 0) {
                try {
                  release.await(30, TimeUnit.SECONDS); // hold the room still: the ring fills
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            },
            FloodControl.off("--ring-size=8"))) {
      try (LineClient bob = LineClient.joined(broker.address(), "bob");
          LineClient alice = LineClient.joined(broker.address(), "alice")) {
        bob.readLine();
        alice.sendNumbered(500);
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> broker.broker.counters().ringFullPauses() > 0);
        release.countDown();

        List<String> lines = bob.readLines(500);
        for (int i = 0; i < 500; i++) {
          assertThat(lines.get(i)).isEqualTo("MSG alice " + i);
        }
      }
    }
  }

  @Test
  void shouldPaceAFlooderOverMaxRateWithoutDroppingOrDisconnecting() throws Exception {
    // 70 lines/s has a burst of 350 lines: 400 at once must wait.
    try (RunningBroker broker = RunningBroker.start("--max-rate=70")) {
      try (LineClient bob = LineClient.joined(broker.address(), "bob");
          LineClient flooder = LineClient.joined(broker.address(), "flooder")) {
        bob.readLine();
        flooder.sendNumbered(400);

        List<String> lines = bob.readLines(400);
        for (int i = 0; i < 400; i++) {
          assertThat(lines.get(i)).isEqualTo("MSG flooder " + i);
        }
        assertThat(flooder.sync("still-connected")).isEmpty();
        assertThat(broker.broker.counters().rateLimitPauses()).isPositive();
      }
    }
  }

  @Test
  void shouldKeepTheRoomRunningAfterAnExceptionInTheRoomHandler() throws Exception {
    try (RunningBroker broker =
        RunningBroker.start(
            event -> {
              if (event.kind() == EventKind.SEND
                  && event.payload().toString(StandardCharsets.UTF_8).equals("boom")) {
                throw new IllegalStateException("injected failure");
              }
            })) {
      try (LineClient bob = LineClient.joined(broker.address(), "bob");
          LineClient alice = LineClient.joined(broker.address(), "alice")) {
        bob.readLine();
        alice.send("SEND boom").send("SEND after");

        assertThat(bob.readLine()).isEqualTo("MSG alice after");
        assertThat(broker.broker.counters().roomExceptions()).isEqualTo(1);
        assertThat(broker.broker.counters().errors(ErrorCode.BAD_TEXT)).isZero();
      }
    }
  }
}
