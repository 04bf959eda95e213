package io.ringchat.client.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.ringchat.protocol.ClientFrames;
import io.ringchat.protocol.Command;
import io.ringchat.protocol.Decimals;
import io.ringchat.protocol.Protocol;
import java.nio.charset.StandardCharsets;

/**
 * What the load generator talks to: a ringchat broker, or Redis pub/sub measured the same way (the
 * same members, senders, payloads, clocks and checks) so that the two can be compared by one piece
 * of code in one run.
 *
 * <p>Over WebSocket the lines are the same; {@link WebSocketLoadFraming} puts each in a frame.
 *
 * <p>On Redis every member is a connection subscribed to one channel, and each sender also has a
 * second connection on which it publishes (a subscribed connection may not publish). Redis echoes a
 * message to its sender's own subscription; such echoes are discarded and counted, never taken as
 * deliveries.
 */
enum Target {
  RINGCHAT,
  /** The ringchat broker's WebSocket at {@code /ws} on its HTTP port: the same lines, framed. */
  WEBSOCKET,
  REDIS;

  /** The Redis channel that stands for the room. */
  static final String REDIS_CHANNEL = "ringchat-load";

  private static final byte[] SEND = Command.SEND.wordAndSpace();
  private static final byte[] REDIS_PUBLISH_HEAD =
      ("*3\r\n$7\r\nPUBLISH\r\n$" + REDIS_CHANNEL.length() + "\r\n" + REDIS_CHANNEL + "\r\n$")
          .getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CRLF = {'\r', '\n'};

  /** The port this kind listens on by default. */
  int defaultPort() {
    return switch (this) {
      case RINGCHAT -> Protocol.DEFAULT_PORT;
      case WEBSOCKET -> Protocol.DEFAULT_HTTP_PORT;
      case REDIS -> 6379;
    };
  }

  /** Whether each sender needs a connection of its own to publish on. */
  boolean separatePublisher() {
    return this == REDIS;
  }

  /** The request that makes a new connection a member. */
  ByteBuf join(ByteBufAllocator alloc, String name) {
    if (this != REDIS) {
      return ClientFrames.encode(alloc, Command.JOIN, name);
    }
    String subscribe =
        "*2\r\n$9\r\nSUBSCRIBE\r\n$" + REDIS_CHANNEL.length() + "\r\n" + REDIS_CHANNEL + "\r\n";
    return alloc.buffer(subscribe.length()).writeBytes(subscribe.getBytes(StandardCharsets.UTF_8));
  }

  /** Appends one message carrying {@code text[0, length)} to {@code out}. */
  void writeMessage(ByteBuf out, byte[] text, int length) {
    if (this != REDIS) {
      out.writeBytes(SEND).writeBytes(text, 0, length).writeByte('\n');
      return;
    }
    out.writeBytes(REDIS_PUBLISH_HEAD);
    Decimals.write(out, length);
    out.writeBytes(CRLF).writeBytes(text, 0, length).writeBytes(CRLF);
  }
}
