package io.ringchat.broker.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The router's answers that need no socket: health while serving and while stopping, HEAD. */
class HttpRouterTest {
  private final AtomicBoolean stopping = new AtomicBoolean();

  /** What the broker says is wrong, as Broker.unhealthy does: stopping first. */
  private final AtomicReference<String> clusterTrouble = new AtomicReference<>();

  private final HttpRouter router =
      new HttpRouter(
          null,
          OriginPolicy.parse("self"),
          AddressRanges.parse(""),
          null,
          stopping::get,
          () -> stopping.get() ? "shutting down" : clusterTrouble.get(),
          false);

  private FullHttpResponse get(HttpMethod method, String path) {
    EmbeddedChannel channel = new EmbeddedChannel(router);
    channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, path));
    FullHttpResponse response = channel.readOutbound();
    channel.finishAndReleaseAll();
    return response;
  }

  @Test
  void shouldSayOkWhileServingAnd503WhileStopping() {
    FullHttpResponse ok = get(HttpMethod.GET, "/healthz");
    assertThat(ok.status().code()).isEqualTo(200);
    assertThat(ok.content().toString(StandardCharsets.UTF_8)).isEqualTo("ok\n");
    ok.release();

    stopping.set(true);
    FullHttpResponse stopped = get(HttpMethod.GET, "/healthz");
    assertThat(stopped.status().code()).isEqualTo(503);
    assertThat(stopped.content().toString(StandardCharsets.UTF_8)).isEqualTo("shutting down\n");
    assertThat(stopped.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
    stopped.release();
  }

  @Test
  void shouldSay503WithTheReasonWhileAClusteredBrokerHasNoLeaderAndKeepTheConnection() {
    clusterTrouble.set("no cluster leader: the members are electing one");
    FullHttpResponse electing = get(HttpMethod.GET, "/healthz");
    assertThat(electing.status().code()).isEqualTo(503);
    assertThat(electing.content().toString(StandardCharsets.UTF_8))
        .isEqualTo("no cluster leader: the members are electing one\n");
    assertThat(electing.headers().get(HttpHeaderNames.CONNECTION))
        .as("not stopping: a health checker may ask again on the same connection")
        .isNotEqualTo("close");
    electing.release();

    clusterTrouble.set(null);
    FullHttpResponse ok = get(HttpMethod.GET, "/healthz");
    assertThat(ok.status().code()).isEqualTo(200);
    ok.release();
  }

  @Test
  void shouldRefuseAWebSocketWhileStoppingAndAForeignOriginAlways() {
    EmbeddedChannel channel = new EmbeddedChannel(router);
    DefaultFullHttpRequest foreign =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/ws");
    foreign.headers().set(HttpHeaderNames.HOST, "chat.example.org:7880");
    foreign.headers().set(HttpHeaderNames.ORIGIN, "https://elsewhere.example");
    channel.writeInbound(foreign);
    FullHttpResponse forbidden = channel.readOutbound();
    assertThat(forbidden.status().code()).isEqualTo(403);
    forbidden.release();
    channel.finishAndReleaseAll();

    stopping.set(true);
    FullHttpResponse unavailable = get(HttpMethod.GET, "/ws");
    assertThat(unavailable.status().code()).isEqualTo(503);
    unavailable.release();
  }

  @Test
  void shouldAnswerHeadWithHeadersOnlyAndServeMetricsToNoOneOutsideTheRanges() {
    FullHttpResponse head = get(HttpMethod.HEAD, "/");
    assertThat(head.status().code()).isEqualTo(200);
    assertThat(head.content().readableBytes()).isZero();
    assertThat(head.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isPositive();
    head.release();

    FullHttpResponse metrics = get(HttpMethod.GET, "/metrics"); // an embedded channel's peer
    assertThat(metrics.status().code()).isEqualTo(403);
    metrics.release();
  }
}
