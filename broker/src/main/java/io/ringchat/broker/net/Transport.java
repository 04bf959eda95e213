package io.ringchat.broker.net;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/** The socket transport: Linux epoll when its native library loads, Java NIO otherwise. */
public record Transport(
    String name, IoHandlerFactory ioHandlerFactory, Class<? extends ServerChannel> serverChannel) {

  /** Epoll if available, else NIO. Called once at start-up. */
  public static Transport best() {
    if (Epoll.isAvailable()) {
      return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class);
    }
    return nio();
  }

  public static Transport nio() {
    return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class);
  }
}
