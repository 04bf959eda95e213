package io.ringchat.cli;

import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.LinkedHashMap;
import java.util.Map;
import jdk.net.ExtendedSocketOptions;

/**
 * The socket transport both programs use: Linux epoll when its native library loads (fewer copies
 * and system calls than Java NIO), Java NIO otherwise.
 *
 * @param name {@code epoll} or {@code nio}, as the programs print it
 */
public record Transport(
    String name,
    IoHandlerFactory ioHandlerFactory,
    Class<? extends ServerChannel> serverChannel,
    Class<? extends SocketChannel> socketChannel) {

  /** Epoll if available, else NIO. Called once at start-up. */
  public static Transport best() {
    if (Epoll.isAvailable()) {
      return new Transport(
          "epoll",
          EpollIoHandler.newFactory(),
          EpollServerSocketChannel.class,
          EpollSocketChannel.class);
    }
    return nio();
  }

  /** Java NIO, on any platform; also what tests use to cover the second transport. */
  public static Transport nio() {
    return new Transport(
        "nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
  }

  /**
   * The socket options that give a connection {@code keepAlive}: on epoll the kernel's keepalive
   * settings and {@code TCP_USER_TIMEOUT}; on NIO the JDK's extended keepalive options, which have
   * no user timeout, so a peer that vanished while data was flowing to it is noticed only by the
   * kernel's retransmission timeout (about 15 minutes on Linux).
   */
  public Map<ChannelOption<?>, Object> keepAliveOptions(KeepAlive keepAlive) {
    Map<ChannelOption<?>, Object> options = new LinkedHashMap<>();
    options.put(ChannelOption.SO_KEEPALIVE, true);
    if (name.equals("epoll")) {
      options.put(EpollChannelOption.TCP_KEEPIDLE, keepAlive.idleSeconds());
      options.put(EpollChannelOption.TCP_KEEPINTVL, keepAlive.intervalSeconds());
      options.put(EpollChannelOption.TCP_KEEPCNT, keepAlive.probes());
      options.put(EpollChannelOption.TCP_USER_TIMEOUT, keepAlive.userTimeoutMillis());
    } else {
      options.put(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE), keepAlive.idleSeconds());
      options.put(
          NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL), keepAlive.intervalSeconds());
      options.put(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT), keepAlive.probes());
    }
    return options;
  }
}
