package io.ringchat.broker.web;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.ringchat.broker.net.WebSocketUpgrade;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Answers each request on the HTTP port: {@code GET /} (the chat page and its two files), {@code
 * /ws} (the WebSocket, for allowed origins), {@code /metrics} (for {@code --metrics-allow}
 * addresses), {@code /healthz} ({@code 200 ok}, or {@code 503} and why: the broker is stopping, or
 * a broker of a cluster has no leader or no session); anything else is 404, and methods other than
 * GET and HEAD are 405.
 *
 * <p>Shared by every HTTP connection (it keeps no state of its own); runs on each connection's
 * event loop, except that a {@code /metrics} answer is written from the metrics thread.
 */
@ChannelHandler.Sharable
public final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
  private final ChatPage page = new ChatPage();
  private final WebSocketUpgrade webSocket;
  private final OriginPolicy origins;
  private final AddressRanges metricsAllowed;
  private final MetricsEndpoint metrics;
  private final BooleanSupplier stopping;
  private final Supplier<String> unhealthy;
  private final boolean tls;

  /**
   * @param stopping true once the broker has begun to stop: no new WebSocket is accepted
   * @param unhealthy why the broker cannot serve now (stopping; in a cluster, no leader or no
   *     session), or null: {@code /healthz} says 503 with it
   * @param tls whether the port speaks HTTPS (the WebSocket's location is then {@code wss:})
   */
  public HttpRouter(
      WebSocketUpgrade webSocket,
      OriginPolicy origins,
      AddressRanges metricsAllowed,
      MetricsEndpoint metrics,
      BooleanSupplier stopping,
      Supplier<String> unhealthy,
      boolean tls) {
    this.webSocket = webSocket;
    this.origins = origins;
    this.metricsAllowed = metricsAllowed;
    this.metrics = metrics;
    this.stopping = stopping;
    this.unhealthy = unhealthy;
    this.tls = tls;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!request.decoderResult().isSuccess()) {
      text(ctx, request, HttpResponseStatus.BAD_REQUEST, "bad request\n", false);
      return;
    }
    HttpMethod method = request.method();
    if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
      FullHttpResponse response = response(HttpResponseStatus.METHOD_NOT_ALLOWED, "GET only\n");
      response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
      send(ctx, request, response, false);
      return;
    }
    String path = new QueryStringDecoder(request.uri()).path();
    switch (path) {
      case "/ws" -> webSocket(ctx, request);
      case "/healthz" -> health(ctx, request);
      case "/metrics" -> metrics(ctx, request);
      default -> asset(ctx, request, path);
    }
  }

  private void webSocket(ChannelHandlerContext ctx, FullHttpRequest request) {
    String origin = request.headers().get(HttpHeaderNames.ORIGIN);
    String host = request.headers().get(HttpHeaderNames.HOST);
    if (!origins.allows(origin, host)) {
      text(
          ctx,
          request,
          HttpResponseStatus.FORBIDDEN,
          "origin " + origin + " may not open a WebSocket here (--allowed-origins)\n",
          false);
      return;
    }
    if (stopping.getAsBoolean()) {
      text(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting down\n", false);
      return;
    }
    String location = (tls ? "wss://" : "ws://") + (host == null ? "localhost" : host) + "/ws";
    webSocket.upgrade(ctx, request, location);
  }

  private void health(ChannelHandlerContext ctx, FullHttpRequest request) {
    String why = unhealthy.get();
    if (why != null) {
      text(
          ctx,
          request,
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          why + "\n",
          !stopping.getAsBoolean());
    } else {
      text(ctx, request, HttpResponseStatus.OK, "ok\n", true);
    }
  }

  private void metrics(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!(ctx.channel().remoteAddress() instanceof InetSocketAddress peer)
        || !metricsAllowed.contains(peer.getAddress())) {
      text(
          ctx,
          request,
          HttpResponseStatus.FORBIDDEN,
          "metrics are served to --metrics-allow addresses only\n",
          false);
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    boolean head = request.method().equals(HttpMethod.HEAD);
    boolean queued =
        metrics.scrape(
            body -> {
              FullHttpResponse response =
                  new DefaultFullHttpResponse(
                      HttpVersion.HTTP_1_1,
                      HttpResponseStatus.OK,
                      head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
              response.headers().set(HttpHeaderNames.CONTENT_TYPE, metrics.contentType());
              response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
              response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
              finish(ctx, response, keepAlive);
            });
    if (!queued) {
      text(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting down\n", false);
    }
  }

  private void asset(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
    ChatPage.Asset asset = page.asset(path);
    if (asset == null) {
      text(ctx, request, HttpResponseStatus.NOT_FOUND, "not found\n", true);
      return;
    }
    boolean head = request.method().equals(HttpMethod.HEAD);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.OK,
            head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(asset.bytes()).asReadOnly());
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, asset.contentType());
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, asset.bytes().length);
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_SECURITY_POLICY, ChatPage.CONTENT_SECURITY_POLICY);
    response.headers().set(HttpHeaderNames.X_FRAME_OPTIONS, "DENY");
    response.headers().set("Referrer-Policy", "no-referrer");
    send(ctx, request, response, true);
  }

  private static void text(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      HttpResponseStatus status,
      String body,
      boolean mayKeepAlive) {
    FullHttpResponse response = response(status, body);
    if (request.method().equals(HttpMethod.HEAD)) {
      response = response.replace(Unpooled.EMPTY_BUFFER);
    }
    send(ctx, request, response, mayKeepAlive);
  }

  private static FullHttpResponse response(HttpResponseStatus status, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    return response;
  }

  private static void send(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      FullHttpResponse response,
      boolean mayKeepAlive) {
    response.headers().set("X-Content-Type-Options", "nosniff");
    finish(ctx, response, mayKeepAlive && HttpUtil.isKeepAlive(request));
  }

  @SuppressWarnings("FutureReturnValueIgnored") // a failed write closes the connection anyway
  private static void finish(ChannelHandlerContext ctx, FullHttpResponse response, boolean keep) {
    if (keep) {
      ctx.writeAndFlush(response, ctx.voidPromise());
    } else {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  @SuppressWarnings("FutureReturnValueIgnored") // a failed close still closes
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // a reset, an idle timeout, a broken request or TLS record: this connection only
  }
}
