package io.ringchat.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringchat.protocol.testing.FloodControl;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Membership and delivery over real sockets: races, ordering, churn, abrupt ends. *
 *
 * <p>Alone: the broker runs in this JVM, whose heap and descriptors it measures.
 */
@Isolated
class FanOutIT {
  private RunningBroker broker;
  private final ExecutorService pool = Executors.newFixedThreadPool(50);

  @BeforeEach
  void start() throws InterruptedException {
    // Hundreds of members and 10,000 connect cycles, all from 127.0.0.1, sending in bursts.
    broker = RunningBroker.start(FloodControl.off());
  }

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
    broker.close();
  }

  @Test
  void shouldGiveExactlyOneWelcomeToFiftySimultaneousJoinsOfOneName() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<String>> answers = new ArrayList<>();
    List<LineClient> clients = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      LineClient c = new LineClient(broker.address());
      clients.add(c);
      String join = i % 2 == 0 ? "JOIN bob" : "JOIN BoB"; // the same name, whatever its case
      answers.add(
          pool.submit(
              () -> {
                go.await();
                c.send(join);
                return c.readLine();
              }));
    }
    go.countDown();
    int welcomes = 0;
    int taken = 0;
    for (Future<String> answer : answers) {
      String line = answer.get(20, TimeUnit.SECONDS);
      if (line.startsWith("WELCOME ")) {
        welcomes++;
      } else if (line.startsWith("ERR name_taken ")) {
        taken++;
      }
    }
    for (LineClient c : clients) {
      c.close();
    }
    assertThat(welcomes).isEqualTo(1);
    assertThat(taken).isEqualTo(49);
  }

  @Test
  void shouldDeliverEveryMessageToEveryOtherMemberInOneSharedOrder() throws Exception {
    int senders = 20;
    int perSender = 200;
    List<LineClient> members = new ArrayList<>();
    for (int i = 0; i < senders; i++) {
      members.add(LineClient.joined(broker.address(), "s" + i));
    }
    // Read everyone's JOINED lines away: each member saw the joins after its own.
    for (int i = 0; i < senders; i++) {
      members.get(i).readLines(senders - 1 - i);
    }
    CountDownLatch go = new CountDownLatch(1);
    List<Future<List<String>>> received = new ArrayList<>();
    List<Future<Void>> sent = new ArrayList<>();
    for (int i = 0; i < senders; i++) {
      LineClient c = members.get(i);
      int me = i;
      sent.add(
          pool.submit(
              (Callable<Void>)
                  () -> {
                    go.await();
                    StringBuilder burst = new StringBuilder();
                    for (int n = 0; n < perSender; n++) {
                      burst.append("SEND ").append(me).append(':').append(n).append('\n');
                    }
                    c.sendRaw(burst.toString().getBytes(StandardCharsets.UTF_8));
                    return null;
                  }));
      received.add(pool.submit(() -> c.readLines((senders - 1) * perSender)));
    }
    go.countDown();
    for (Future<Void> f : sent) {
      f.get(60, TimeUnit.SECONDS);
    }

    List<List<String>> all = new ArrayList<>();
    for (int i = 0; i < senders; i++) {
      List<String> lines = received.get(i).get(60, TimeUnit.SECONDS);
      all.add(lines);
      Map<String, Integer> lastSeq = new HashMap<>();
      for (String line : lines) {
        assertThat(line).startsWith("MSG s");
        String[] parts = line.split(" ", 3); // MSG, name, text
        assertThat(parts[1]).as("own message echoed").isNotEqualTo("s" + i);
        int colon = parts[2].indexOf(':');
        int seq = Integer.parseInt(parts[2].substring(colon + 1));
        Integer previous = lastSeq.put(parts[2].substring(0, colon), seq);
        assertThat(seq).as("per-sender order").isEqualTo(previous == null ? 0 : previous + 1);
      }
      assertThat(lastSeq).hasSize(senders - 1);
    }
    // One room order: any two members agree on the order of the messages both received.
    List<String> reference = all.get(0);
    Map<String, Integer> position = new HashMap<>();
    for (int p = 0; p < reference.size(); p++) {
      position.put(reference.get(p), p);
    }
    for (int i = 1; i < senders; i++) {
      int last = -1;
      for (String line : all.get(i)) {
        Integer p = position.get(line);
        if (p != null) {
          assertThat(p).as("member s%d disagrees with s0 on the order", i).isGreaterThan(last);
          last = p;
        }
      }
    }
    for (LineClient c : members) {
      c.close();
    }
  }

  @Test
  void shouldLeaveNoGhostMembersAfterTenThousandConnectDisconnectCycles() throws Exception {
    InetSocketAddress address = broker.address();
    // Warm up once, so that lazily created pools and threads count as the baseline.
    try (LineClient warm = LineClient.joined(address, "warm")) {
      warm.send("LEAVE");
      warm.readLine();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> broker.broker.counters().members() == 0);
    long fdsBefore = openFileDescriptors();
    long heapBefore = heapAfterGc();
    int workers = 8;
    int cycles = 10_000 / workers;
    List<Future<Void>> done = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      int worker = w;
      done.add(
          pool.submit(
              () -> {
                for (int i = 0; i < cycles; i++) {
                  try (LineClient c = new LineClient(address)) {
                    if (i % 2 == 0) {
                      c.send("JOIN w" + worker + "-" + i);
                      c.readLine();
                    }
                    if (i % 4 == 0) {
                      c.socket.setSoLinger(true, 0); // RST instead of FIN
                    }
                  }
                }
                return null;
              }));
    }
    for (Future<Void> f : done) {
      f.get(5, TimeUnit.MINUTES);
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(broker.broker.counters().members()).isZero();
              assertThat(broker.broker.counters().connectionsOpen()).isZero();
            });
    // The broker runs in this JVM: its descriptors are this process's, and come back once the
    // closed sockets are reaped (the clients' too, as they are closed here as well).
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(openFileDescriptors()).isLessThanOrEqualTo(fdsBefore + 4));
    assertThat(heapAfterGc()).as("heap after GC").isLessThan(heapBefore + 16L * 1024 * 1024);
    try (LineClient probe = LineClient.joined(address, "w0-0")) {
      probe.send("WHO");
      assertThat(probe.readLines(2)).containsExactly("MEMBER w0-0", "MEMBERS 1");
    }
  }

  private static long openFileDescriptors() throws IOException {
    try (java.util.stream.Stream<java.nio.file.Path> fds =
        java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  private static long heapAfterGc() {
    System.gc();
    java.lang.management.MemoryMXBean memory =
        java.lang.management.ManagementFactory.getMemoryMXBean();
    return memory.getHeapMemoryUsage().getUsed();
  }

  @Test
  void shouldAnnounceLeftWhenMemberResetsMidLine() throws Exception {
    try (LineClient bob = LineClient.joined(broker.address(), "bob")) {
      LineClient alice = LineClient.joined(broker.address(), "alice");
      bob.readLine(); // JOINED alice
      alice.sendRaw("SEND half a li".getBytes(StandardCharsets.UTF_8));
      alice.socket.setSoLinger(true, 0);
      alice.close();

      assertThat(bob.readLine()).isEqualTo("LEFT alice");
      LineClient again = LineClient.joined(broker.address(), "alice");
      assertThat(bob.readLine()).isEqualTo("JOINED alice");
      again.close();
    }
  }

  @Test
  void shouldDeliverFinalSendOfHalfClosedConnection() throws Exception {
    try (LineClient bob = LineClient.joined(broker.address(), "bob");
        LineClient alice = LineClient.joined(broker.address(), "alice")) {
      bob.readLine(); // JOINED alice
      alice.send("SEND last words");
      alice.socket.shutdownOutput();

      assertThat(bob.readLine()).isEqualTo("MSG alice last words");
      assertThat(bob.readLine()).isEqualTo("LEFT alice");
    }
  }

  @Test
  void shouldAnswerThousandLinesSentInOneWrite() throws Exception {
    try (LineClient bob = LineClient.joined(broker.address(), "bob");
        LineClient alice = LineClient.joined(broker.address(), "alice")) {
      bob.readLine();
      alice.sendNumbered(1000);

      List<String> lines = bob.readLines(1000);
      for (int i = 0; i < 1000; i++) {
        assertThat(lines.get(i)).isEqualTo("MSG alice " + i);
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
