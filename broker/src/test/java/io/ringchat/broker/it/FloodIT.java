package io.ringchat.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringchat.protocol.testing.BrokerReady;
import io.ringchat.protocol.testing.FloodControl;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Floods against the broker jar, watched from outside through /proc: endless lines that never end,
 * and a crowd of members that never read. Sizes are system properties, so that the default run
 * stays short and a stress run can go to the full figures: {@code -Dflood.mb=100}.
 *
 * <p>Alone: it measures the broker's memory under a flood of 1,000 connections.
 */
@Isolated
class FloodIT {
  private static final Path JAR = Path.of("target", "ringchat-broker.jar");

  private final List<Process> processes = new ArrayList<>();
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void cleanUp() throws InterruptedException {
    pool.shutdownNow();
    for (Process p : processes) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private InetSocketAddress startBroker(String... options) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(JAR.toString());
    Path ready = Files.createTempDirectory("flood-broker").resolve("ready.json");
    command.addAll(List.of("--bind", "127.0.0.1", "--port", "0", "--http-port", "0"));
    command.addAll(List.of("--ready-file", ready.toString()));
    command.addAll(List.of(options));
    command.addAll(FloodControl.OFF); // it measures the broker flooded from one address
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(Redirect.DISCARD)
            .start();
    processes.add(p);
    return new InetSocketAddress(
        InetAddress.getLoopbackAddress(),
        BrokerReady.await(ready, p, Duration.ofSeconds(30)).chatPort());
  }

  private long rssKib() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + processes.get(0).pid() + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS");
  }

  @Test
  void shouldStaySmallWhileHundredConnectionsSendEndlessLinesWithoutJoining() throws Exception {
    int connections = Integer.getInteger("flood.connections", 100);
    long bytesEach = Long.getLong("flood.mb", 10) * 1024 * 1024;
    InetSocketAddress address = startBroker();
    try (LineClient member = LineClient.joined(address, "member")) {
      long rssBefore = rssKib();
      byte[] chunk = new byte[64 * 1024];
      Arrays.fill(chunk, (byte) 'A');
      List<Future<Void>> floods = new ArrayList<>();
      for (int i = 0; i < connections; i++) {
        floods.add(
            pool.submit(
                () -> {
                  try (Socket s = new Socket()) {
                    s.connect(address);
                    OutputStream out = s.getOutputStream();
                    for (long sent = 0; sent < bytesEach; sent += chunk.length) {
                      out.write(chunk);
                    }
                  }
                  return null;
                }));
      }
      long rssPeak = rssBefore;
      for (Future<Void> f : floods) {
        while (!f.isDone()) {
          rssPeak = Math.max(rssPeak, rssKib());
          TimeUnit.MILLISECONDS.sleep(50); // sampling the broker's memory while it is flooded
        }
        f.get();
      }
      System.out.printf(
          "flood: %d connections x %d MiB without LF: broker RSS %d -> peak %d KiB%n",
          connections, bytesEach >> 20, rssBefore, rssPeak);
      // The lines are discarded as they come, never buffered: memory stays near where it was.
      assertThat(rssPeak - rssBefore).as("RSS growth, KiB").isLessThan(256 * 1024);
      assertThat(member.sync("alive")).isEmpty();
    }
  }

  /**
   * What a member may hold at the broker before it is removed: a reader of this test (1 MB/s) may
   * stall two seconds on the shared cores; with 1 MiB one was removed now and then (2026-12-06).
   */
  private static final int MAX_PENDING = 2 << 20;

  @Test
  void shouldRemoveEveryMemberThatNeverReadsWhileTheOthersLoseNothing() throws Exception {
    int idle = Integer.getInteger("flood.nonreaders", 1000);
    int chatters = 10;
    // 10 x 450 x 2 KB = 9 MB reach every member: more than twice what a 2 MiB --max-pending and
    // the kernel's buffers hold for one that never reads (its receive buffer made small, as a slow
    // phone's window would be; with 1 MiB, at 2.2 MB a third of them were still there; 4.5 MB
    // removed all of them with 2 MiB). At 50 messages a second per sender (1 MB/s to each reader):
    // on this 2-core sandbox, at 1,000 a second the readers' own threads (in this JVM) fell behind
    // while the sandbox's network stack filled a thousand socket buffers, and at 100 a second a
    // reader starved for two seconds now and then.
    int messages = Integer.getInteger("flood.messages", 450);
    long pauseMillis = Long.getLong("flood.pauseMs", 20);
    InetSocketAddress address =
        startBroker("--presence-limit", "0", "--max-pending", "" + MAX_PENDING);
    List<Socket> nonReaders = new ArrayList<>();
    List<LineClient> members = new ArrayList<>();
    try {
      for (int i = 0; i < idle; i++) {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(address);
        s.getOutputStream().write(("JOIN deaf" + i + "\n").getBytes(StandardCharsets.UTF_8));
        nonReaders.add(s);
      }
      for (int i = 0; i < chatters; i++) {
        members.add(LineClient.joined(address, "chat" + i));
      }
      String text = "t".repeat(2000);
      List<Future<Void>> senders = new ArrayList<>();
      List<Future<int[]>> readers = new ArrayList<>();
      for (int i = 0; i < chatters; i++) {
        LineClient c = members.get(i);
        int me = i;
        senders.add(
            pool.submit(
                () -> {
                  for (int n = 0; n < messages; n++) {
                    c.send("SEND " + me + " " + n + " " + text);
                    TimeUnit.MILLISECONDS.sleep(pauseMillis); // a chat pace readers can follow
                  }
                  return null;
                }));
        readers.add(
            pool.submit(
                () -> {
                  int[] next = new int[chatters];
                  int expected = (chatters - 1) * messages;
                  for (int got = 0; got < expected; ) {
                    String line = c.readLine();
                    assertThat(line).isNotNull().startsWith("MSG chat");
                    String[] f = line.split(" ", 5);
                    int sender = Integer.parseInt(f[2]);
                    assertThat(Integer.parseInt(f[3])).isEqualTo(next[sender]);
                    next[sender]++;
                    got++;
                  }
                  return next;
                }));
      }
      for (Future<Void> f : senders) {
        f.get(5, TimeUnit.MINUTES);
      }
      for (Future<int[]> f : readers) {
        f.get(5, TimeUnit.MINUTES);
      }
      // Every deaf member was removed: the room is back to the ten who read.
      try (LineClient probe = LineClient.joined(address, "probe")) {
        probe.send("WHO");
        String last = probe.readUntil("MEMBERS ");
        assertThat(last).isEqualTo("MEMBERS " + (chatters + 1));
      }
      System.out.printf(
          "flood: %d members that never read removed while %d members exchanged %d messages each%n",
          idle, chatters, messages);
    } finally {
      for (Socket s : nonReaders) {
        s.close();
      }
      for (LineClient c : members) {
        c.close();
      }
    }
  }
}
