package io.ringchat.client.load;

import static io.ringchat.client.load.JsonReports.number;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import picocli.CommandLine;

/**
 * {@code load --target redis} against a real redis-server on 127.0.0.1 (skipped, saying why, where
 * none is installed; CI installs it): the same checks as on ringchat, Redis's echoes of a sender's
 * own messages counted apart, never as deliveries.
 *
 * <p>Alone: the load generator runs at its fastest, against Redis.
 */
@Isolated
class LoadRedisIT {
  @TempDir Path dir;
  private Process redis;
  private int port;

  @BeforeEach
  void startRedis() throws Exception {
    assumeTrue(
        onPath("redis-server"), "redis-server is not installed (apt-get install redis-server)");
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    redis =
        new ProcessBuilder(
                "redis-server",
                "--port",
                "" + port,
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!listening(port)) {
      assertThat(System.nanoTime()).as("redis-server listening").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @AfterEach
  void stopRedis() throws InterruptedException {
    if (redis != null) {
      redis.destroy();
      if (!redis.waitFor(5, TimeUnit.SECONDS)) {
        redis.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  private String run(String... extra) throws IOException {
    Path json = dir.resolve("report.json");
    String[] base = {
      "--target",
      "redis",
      "-p",
      "" + port,
      "--warmup",
      "0.5",
      "--duration",
      "1",
      "--json",
      json.toString()
    };
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    int exit = new CommandLine(new LoadCommand()).execute(args);
    assertThat(exit).as("exit status").isZero();
    return Files.readString(json, StandardCharsets.UTF_8);
  }

  @Test
  void shouldDeliverEveryMessageToEveryOtherSubscriberAndCountEchoesApart() throws Exception {
    String report = run("--clients", "6", "--senders", "3");

    long sent = number(report, "sent");
    assertThat(sent).isPositive();
    assertThat(number(report, "delivered")).isEqualTo(sent * 5);
    assertThat(number(report, "lost")).isZero();
    assertThat(number(report, "self_deliveries")).isZero();
    // Every message also came back to its sender's own subscription, warm-up's included.
    assertThat(number(report, "echoes")).isGreaterThanOrEqualTo(sent);
  }

  @Test
  void shouldPublishAtTheFixedRate() throws Exception {
    String report = run("--clients", "3", "--senders", "2", "--rate", "200");

    assertThat(number(report, "sent")).isBetween(300L, 500L); // 2 senders x 200/s x ~1 s
    assertThat(number(report, "lost")).isZero();
  }

  private static boolean onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "");
    return java.util.regex.Pattern.compile(":")
        .splitAsStream(path)
        .anyMatch(folder -> !folder.isEmpty() && Files.isExecutable(Path.of(folder, program)));
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
