package io.ringchat.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringchat.protocol.testing.BrokerReady;
import io.ringchat.protocol.testing.FloodControl;
import io.ringchat.protocol.testing.ItResources;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Load, churn and slow consumers together against the broker jar, for {@code -Dsoak.duration}
 * (default 15s; {@code scripts/soak.sh 30m} for a long run). Healthy members must lose nothing and
 * see every sender in order; the broker's heap after GC and its open descriptors must end where
 * they started; and the broker, run with leak detection at PARANOID, must report no leak.
 *
 * <p>Paced load whose readers must keep up: apart from other classes that load the CPU.
 */
@ResourceLock(ItResources.CPU)
class SoakIT {
  private static final Path JAR = Path.of("target", "ringchat-broker.jar");
  private static final int SENDERS = 2;
  private static final int READERS = 3;

  @Test
  void shouldStayFlatAndLoseNothingUnderLoadChurnAndSlowConsumers() throws Exception {
    Duration duration =
        Duration.parse("PT" + System.getProperty("soak.duration", "15s").toUpperCase(Locale.ROOT));
    Path stderr = Files.createTempFile("soak-broker", ".err");
    Path ready = Files.createTempDirectory("soak-broker").resolve("ready.json");
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Sampled leak tracking with access records: PARANOID would slow a loaded broker
                // so much that the churn and the load could not be both heavy and real.
                "-Dio.netty.leakDetection.level=advanced",
                "-jar",
                JAR.toString(),
                "--bind",
                "127.0.0.1",
                "--port",
                "0",
                "--http-port",
                "0",
                "--ready-file",
                ready.toString()));
    command.addAll(FloodControl.OFF); // heavy load from one address, on purpose
    Process broker = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    ExecutorService pool = Executors.newCachedThreadPool();
    AtomicBoolean running = new AtomicBoolean(true);
    BufferedReader out =
        new BufferedReader(new InputStreamReader(broker.getInputStream(), StandardCharsets.UTF_8));
    try {
      InetSocketAddress address =
          new InetSocketAddress(
              InetAddress.getLoopbackAddress(),
              BrokerReady.await(ready, broker, Duration.ofSeconds(30)).chatPort());
      long pid = broker.pid();

      // Healthy members: readers check every sender's order; senders send 1 KB lines.
      List<LineClient> readers = new ArrayList<>();
      for (int r = 0; r < READERS; r++) {
        readers.add(LineClient.joined(address, "reader" + r));
      }
      List<LineClient> senders = new ArrayList<>();
      for (int s = 0; s < SENDERS; s++) {
        senders.add(LineClient.joined(address, "sender" + s));
      }
      for (int r = 0; r < READERS; r++) {
        readers.get(r).readLines(READERS - 1 - r + SENDERS); // the JOINED lines after its own
      }
      long heapStart = heapAfterGc(pid);
      long fdsStart = openFds(pid);

      AtomicLong[] sent = new AtomicLong[SENDERS];
      List<Future<?>> tasks = new ArrayList<>();
      String padding = "p".repeat(1000);
      for (int s = 0; s < SENDERS; s++) {
        LineClient sender = senders.get(s);
        AtomicLong count = new AtomicLong();
        sent[s] = count;
        tasks.add(
            pool.submit(
                () -> {
                  while (running.get()) {
                    StringBuilder burst = new StringBuilder();
                    for (int i = 0; i < 20; i++) {
                      burst.append("SEND ").append(count.getAndIncrement()).append(' ');
                      burst.append(padding).append('\n');
                    }
                    sender.sendRaw(burst.toString().getBytes(StandardCharsets.UTF_8));
                    TimeUnit.MILLISECONDS.sleep(10); // pacing the load, not waiting for a result
                  }
                  return null;
                }));
      }
      // Senders receive each other's messages too: they must read them, or be slow consumers.
      List<Future<String>> senderDrains = new ArrayList<>();
      for (LineClient sender : senders) {
        senderDrains.add(pool.submit(() -> sender.readUntil("BYE")));
      }
      List<Future<long[]>> checks = new ArrayList<>();
      for (LineClient reader : readers) {
        checks.add(pool.submit(() -> readInOrder(reader, running)));
      }
      AtomicLong churned = new AtomicLong();
      tasks.add(
          pool.submit(
              () -> {
                for (long i = 0; running.get(); i++) {
                  try (LineClient c = LineClient.joined(address, "churn" + (i % 7))) {
                    c.send("LEAVE");
                    c.readUntil("BYE");
                  }
                  churned.incrementAndGet();
                }
                return null;
              }));
      List<Socket> slow = new ArrayList<>();
      long end = System.nanoTime() + duration.toNanos();
      int slowCount = 0;
      while (System.nanoTime() < end) {
        // A member that never reads: it must be removed as a slow consumer, not slow anyone.
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(address);
        s.getOutputStream()
            .write(("JOIN slow" + slowCount++ + "\n").getBytes(StandardCharsets.UTF_8));
        slow.add(s);
        TimeUnit.SECONDS.sleep(2); // one new slow consumer every two seconds
        if (slow.size() > 5) {
          slow.remove(0).close();
        }
      }
      running.set(false);
      for (Future<?> f : tasks) {
        f.get(60, TimeUnit.SECONDS);
      }
      for (int s = 0; s < SENDERS; s++) {
        senders.get(s).send("LEAVE");
        assertThat(senderDrains.get(s).get(60, TimeUnit.SECONDS)).isEqualTo("BYE");
        senders.get(s).close();
      }
      long totalSent = 0;
      for (AtomicLong s : sent) {
        totalSent += s.get();
      }
      for (Future<long[]> check : checks) {
        long[] perSender = check.get(120, TimeUnit.SECONDS);
        for (int s = 0; s < SENDERS; s++) {
          assertThat(perSender[s])
              .as("messages of sender%d a reader saw", s)
              .isEqualTo(sent[s].get());
        }
      }
      for (LineClient reader : readers) {
        reader.close();
      }
      for (Socket s : slow) {
        s.close();
      }
      long heapEnd = heapAfterGc(pid);
      long fdsEnd = waitForFds(pid, fdsStart);
      System.out.printf(
          Locale.ROOT,
          "soak: %s, %,d messages sent, %,d churn cycles, %d slow consumers; broker heap after GC"
              + " %,d -> %,d KiB, open fds %d -> %d%n",
          duration,
          totalSent,
          churned.get(),
          slowCount,
          heapStart / 1024,
          heapEnd / 1024,
          fdsStart,
          fdsEnd);
      assertThat(heapEnd).as("heap after GC").isLessThan(heapStart + 32L * 1024 * 1024);
      assertThat(fdsEnd).as("open descriptors").isLessThanOrEqualTo(fdsStart + 8);
    } finally {
      running.set(false);
      pool.shutdownNow();
      broker.toHandle().destroy(); // SIGTERM: the broker prints its final stats line
      if (broker.waitFor(30, TimeUnit.SECONDS)) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          System.out.println("soak: broker: " + line);
        }
      }
      broker.destroyForcibly();
    }
    String errors = Files.readString(stderr, StandardCharsets.UTF_8);
    Files.deleteIfExists(stderr);
    assertThat(errors).as("broker stderr").doesNotContain("LEAK");
  }

  /** Reads MSG lines until told to stop and the stream goes quiet; returns the count per sender. */
  private static long[] readInOrder(LineClient reader, AtomicBoolean running) throws IOException {
    long[] next = new long[SENDERS];
    reader.socket.setSoTimeout(3_000);
    while (true) {
      String line;
      try {
        line = reader.readLine();
      } catch (java.net.SocketTimeoutException e) {
        if (!running.get()) {
          return next;
        }
        continue;
      }
      if (line == null) {
        return next;
      }
      if (!line.startsWith("MSG sender")) {
        continue; // presence of churn members and slow consumers
      }
      int s = line.charAt("MSG sender".length()) - '0';
      int start = line.indexOf(' ', 4) + 1;
      long seq = Long.parseLong(line.substring(start, line.indexOf(' ', start)));
      assertThat(seq).as("sender%d order", s).isEqualTo(next[s]);
      next[s]++;
    }
  }

  private static long heapAfterGc(long pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    Matcher used = Pattern.compile("heap.*?used (\\d+)K").matcher(info);
    assertThat(used.find()).as(info).isTrue();
    return Long.parseLong(used.group(1)) * 1024;
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                "" + pid,
                command)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }

  private static long openFds(long pid) throws IOException {
    try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      return fds.count();
    }
  }

  private static long waitForFds(long pid, long target) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    long fds = openFds(pid);
    while (fds > target + 8 && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(200); // the broker closes the last sockets asynchronously
      fds = openFds(pid);
    }
    return fds;
  }
}
