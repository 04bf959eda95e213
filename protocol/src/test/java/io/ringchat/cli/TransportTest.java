package io.ringchat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The keepalive options reach the socket on both transports: an accepted connection reports the
 * values back (on epoll with {@code TCP_USER_TIMEOUT}; NIO has none).
 */
class TransportTest {
  private static final KeepAlive KEEP_ALIVE = KeepAlive.after(Duration.ofSeconds(7));

  @Test
  void shouldSetKeepaliveOnTheBestTransport() throws Exception {
    checkKeepAlive(Transport.best());
  }

  @Test
  void shouldSetKeepaliveOnNio() throws Exception {
    checkKeepAlive(Transport.nio());
  }

  @Test
  void shouldProbeAThirdOfTheIdleTimeApartAndGiveUpWithinTwiceIt() {
    assertThat(KEEP_ALIVE).isEqualTo(new KeepAlive(7, 2, 3));
    assertThat(KEEP_ALIVE.detectionTime()).isEqualTo(Duration.ofSeconds(13));
    assertThat(KeepAlive.after(Duration.ofMillis(1500))).isEqualTo(new KeepAlive(2, 1, 3));
  }

  @SuppressWarnings("unchecked") // the transport pairs each option with a value of its type
  private static void checkKeepAlive(Transport transport) throws Exception {
    Map<ChannelOption<?>, Object> options = transport.keepAliveOptions(KEEP_ALIVE);
    MultiThreadIoEventLoopGroup group =
        new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
    CompletableFuture<Channel> accepted = new CompletableFuture<>();
    try {
      ServerBootstrap server =
          new ServerBootstrap()
              .group(group)
              .channel(transport.serverChannel())
              .childHandler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      accepted.complete(ch);
                    }
                  });
      options.forEach((option, value) -> server.childOption((ChannelOption<Object>) option, value));
      Channel listener =
          server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
      Channel client =
          new Bootstrap()
              .group(group)
              .channel(transport.socketChannel())
              .handler(new ChannelInboundHandlerAdapter())
              .connect(listener.localAddress())
              .sync()
              .channel();

      Channel child = accepted.get(10, TimeUnit.SECONDS);
      for (Map.Entry<ChannelOption<?>, Object> option : options.entrySet()) {
        assertThat(child.config().getOption(option.getKey()))
            .as(transport.name() + " " + option.getKey())
            .isEqualTo(option.getValue());
      }
      assertThat(options).hasSize(transport.name().equals("epoll") ? 5 : 4);
      client.close().sync();
      listener.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }
}
