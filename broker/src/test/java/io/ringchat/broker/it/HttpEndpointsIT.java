package io.ringchat.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The HTTP port's plain endpoints: the page, /healthz and /metrics, over real sockets. */
class HttpEndpointsIT {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HttpResponse<String> get(InetSocketAddress address, String path) throws Exception {
    return get(address, path, "GET");
  }

  private HttpResponse<String> get(InetSocketAddress address, String path, String method)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + path))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  @Test
  void shouldServeThePageItsFilesAndHealth() throws Exception {
    try (RunningBroker broker = RunningBroker.start()) {
      HttpResponse<String> page = get(broker.httpAddress(), "/");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
      assertThat(page.headers().firstValue("content-security-policy").orElseThrow())
          .contains("script-src 'self'")
          .doesNotContain("unsafe-inline");
      assertThat(page.body()).contains("<script src=\"chat.js\"", "aria-live");
      assertThat(get(broker.httpAddress(), "/chat.js").body()).contains("textContent");
      assertThat(get(broker.httpAddress(), "/chat.css").statusCode()).isEqualTo(200);
      // The icon the page links, so that a browser never asks for a /favicon.ico that is not there.
      assertThat(page.body()).contains("<link rel=\"icon\" href=\"favicon.svg\"");
      HttpResponse<String> icon = get(broker.httpAddress(), "/favicon.svg");
      assertThat(icon.headers().firstValue("content-type")).hasValue("image/svg+xml");
      assertThat(icon.body()).startsWith("<svg ");
      assertThat(get(broker.httpAddress(), "/nothing-here").statusCode()).isEqualTo(404);
      assertThat(get(broker.httpAddress(), "/", "POST").statusCode()).isEqualTo(405);

      HttpResponse<String> health = get(broker.httpAddress(), "/healthz");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("ok\n");
    }
  }

  @Test
  void shouldServeMetricsThatMoveWhenMessagesFlow() throws Exception {
    try (RunningBroker broker = RunningBroker.start()) {
      String before = get(broker.httpAddress(), "/metrics").body();
      assertThat(before)
          .contains(
              "ringchat_connections{listener=\"tcp\"} 0",
              "ringchat_connections{listener=\"websocket\"} 0",
              "ringchat_members 0",
              "ringchat_deliveries_total 0",
              "ringchat_errors_total{code=\"too_long\"} 0",
              "ringchat_slow_consumer_removals_total",
              "ringchat_ring_full_pauses_total",
              "ringchat_rate_limit_pauses_total",
              "ringchat_join_timeouts_total",
              "ringchat_room_exceptions_total",
              "ringchat_history_messages 0",
              "ringchat_history_bytes 0",
              "ringchat_replays_total 0",
              "ringchat_replayed_lines_total 0",
              "ringchat_gaps_total 0",
              "jvm_memory_used_bytes",
              "jvm_gc_collection_seconds",
              "jvm_threads_current");
      try (LineClient tcp = LineClient.joined(broker.address(), "alice");
          WsClient ws = WsClient.joined(broker.httpAddress(), "bob")) {
        tcp.readLine(); // JOINED bob
        ws.send("SEND hi");
        assertThat(tcp.readLine()).isEqualTo("MSG bob hi");
        ws.send("NOPE");
        assertThat(ws.readLine()).startsWith("ERR bad_command");
        String after = get(broker.httpAddress(), "/metrics").body();
        assertThat(after)
            .contains(
                "ringchat_connections{listener=\"tcp\"} 1",
                "ringchat_connections{listener=\"websocket\"} 1",
                "ringchat_members 2",
                "ringchat_history_messages 1",
                "ringchat_errors_total{code=\"bad_command\"} 1");
        assertThat(value(after, "ringchat_deliveries_total")).isGreaterThanOrEqualTo(2);
        assertThat(value(after, "ringchat_frames_in_total")).isGreaterThanOrEqualTo(4);
      }
    }
  }

  private static double value(String exposition, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(exposition);
    assertThat(m.find()).as(name + " in the exposition").isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void shouldServeMetricsOnlyToAllowedAddresses() throws Exception {
    try (RunningBroker broker = RunningBroker.start("--metrics-allow=10.0.0.0/8")) {
      HttpResponse<String> refused = get(broker.httpAddress(), "/metrics");
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(refused.body()).contains("--metrics-allow");
      assertThat(get(broker.httpAddress(), "/healthz").statusCode()).isEqualTo(200);
    }
  }

  /** Prometheus's own checker accepts the exposition (Debian's prometheus package has it). */
  @Test
  void shouldPassPromtoolCheckMetrics() throws Exception {
    assumeTrue(
        onPath("promtool"),
        "promtool not found: apt-get install prometheus (skipping the exposition check)");
    try (RunningBroker broker = RunningBroker.start();
        LineClient tcp = LineClient.joined(broker.address(), "alice")) {
      tcp.send("NOPE").readLine(); // an error counted, so the labelled series carry values
      assertPromtoolAccepts(get(broker.httpAddress(), "/metrics").body());
    }
  }

  /** {@code promtool check metrics} passes {@code body} (a /metrics answer). */
  static void assertPromtoolAccepts(String body) throws Exception {
    Path file = Files.createTempFile("ringchat-metrics", ".txt");
    try {
      Files.writeString(file, body);
      Process check =
          new ProcessBuilder("promtool", "check", "metrics")
              .redirectInput(file.toFile())
              .redirectErrorStream(true)
              .start();
      String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(check.exitValue()).as(output).isZero();
    } finally {
      Files.deleteIfExists(file);
    }
  }

  static boolean onPath(String command) throws IOException {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":", -1)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
