package io.ringchat.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

import io.ringchat.protocol.testing.BrokerReady;
import io.ringchat.protocol.testing.NetNamespace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client notices a broker whose host vanished (its end of the link goes down: no FIN, no RST):
 * the broker jar runs in a network namespace of its own, the client jar outside, with {@code
 * --keepalive 2s}: silence for 2 s, a PING, silence for 2 s more, and the connection is dead. Not 1
 * s: a broker JVM that had just started, beside the cluster ITs on two cores, once left a PING
 * unanswered for that long and the live phase failed. The assertion allows 20 s more: machines are
 * shared. {@code -Dvanish.keepalive=15s} runs it with another keepalive, the default for one, to
 * measure it (docs/BENCHMARKS.md, "Vanished peers").
 */
class VanishedBrokerIT {
  private static final Duration KEEPALIVE =
      new io.ringchat.cli.DurationConverter().convert(System.getProperty("vanish.keepalive", "2s"));

  private static final Path BROKER_JAR = Path.of("..", "broker", "target", "ringchat-broker.jar");
  private static final Path CLIENT_JAR = Path.of("target", "ringchat-client.jar");

  @TempDir Path dir;
  private NetNamespace ns;
  private Process broker;
  private Process client;

  @BeforeEach
  void start() {
    try {
      ns = NetNamespace.create();
    } catch (IllegalStateException e) {
      abort("skipped: needs root for ip netns and veth; " + e.getMessage());
    }
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (Process p : new Process[] {client, broker}) {
      if (p != null) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (ns != null) {
      ns.close();
    }
  }

  /**
   * Asks for the member list through the client's standard input: its answer, listing this client,
   * proves the JOIN was answered (a JVM starting on a busy machine can take seconds; vanishing the
   * broker before the WELCOME tests another path).
   */
  private void awaitJoined() throws Exception {
    client.getOutputStream().write("who\n".getBytes(StandardCharsets.UTF_8));
    client.getOutputStream().flush();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.readString(dir.resolve("out"), StandardCharsets.UTF_8)
        .contains("members (1): far")) {
      assertThat(client.isAlive()).as(Files.readString(dir.resolve("err"))).isTrue();
      assertThat(System.nanoTime() - deadline).as("not joined within 30 s").isNegative();
      Thread.sleep(50);
    }
  }

  @Test
  void shouldSayInOneLineThatTheBrokerStoppedAnsweringAndExitOne() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    broker =
        ns.processInside(
                java,
                "-jar",
                BROKER_JAR.toAbsolutePath().toString(),
                "--bind",
                ns.insideAddress(),
                "--port",
                "0",
                "--http-port",
                "0",
                "--ready-file",
                dir.resolve("ready.json").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("broker.out").toFile())
            .start();
    int port =
        BrokerReady.await(dir.resolve("ready.json"), broker, Duration.ofSeconds(30)).chatPort();
    client =
        new ProcessBuilder(
                java,
                "-jar",
                CLIENT_JAR.toAbsolutePath().toString(),
                "-H",
                ns.insideAddress(),
                "-p",
                "" + port,
                "-u",
                "far",
                "--keepalive",
                KEEPALIVE.toMillis() + "ms")
            .redirectOutput(dir.resolve("out").toFile())
            .redirectError(dir.resolve("err").toFile())
            .start();
    awaitJoined();
    // a PING or two answered after the join: the keepalive does not misfire on a live broker
    Thread.sleep(KEEPALIVE.multipliedBy(3).toMillis());
    assertThat(client.isAlive()).as(Files.readString(dir.resolve("err"))).isTrue();

    ns.vanish();
    long vanished = System.nanoTime();

    Duration bound = KEEPALIVE.multipliedBy(2).plusSeconds(20);
    assertThat(client.waitFor(bound.toSeconds(), TimeUnit.SECONDS)).isTrue();
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - vanished);
    System.out.println(
        "vanished broker noticed by the client (--keepalive "
            + KEEPALIVE.toMillis()
            + " ms) after "
            + millis
            + " ms");
    assertThat(client.exitValue()).isEqualTo(1);
    assertThat(Files.readString(dir.resolve("err"), StandardCharsets.UTF_8).strip())
        .isEqualTo(
            "connection lost: no answer from "
                + ns.insideAddress()
                + ":"
                + port
                + " for "
                + KEEPALIVE.multipliedBy(2).toSeconds()
                + " s");
  }
}
