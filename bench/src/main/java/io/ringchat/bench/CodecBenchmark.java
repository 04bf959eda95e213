package io.ringchat.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.ringchat.protocol.ClientLine;
import io.ringchat.protocol.Command;
import io.ringchat.protocol.ErrorCode;
import io.ringchat.protocol.JoinPosition;
import io.ringchat.protocol.LineClassifier;
import io.ringchat.protocol.LineFrameDecoder;
import io.ringchat.protocol.LineFramer;
import io.ringchat.protocol.Name;
import io.ringchat.protocol.Requests;
import io.ringchat.protocol.ServerFrames;
import io.ringchat.protocol.Text;
import java.nio.charset.StandardCharsets;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The protocol codec, on the benchmark thread: decoding and validating 64 inbound {@code SEND}
 * lines of 64-byte text arriving in one read (with the client's decoder, and with the broker's own
 * framer and classifier), and encoding 64 outbound {@code MSG} frames. Scores are lines per second.
 */
@State(Scope.Thread)
public class CodecBenchmark extends BenchmarkBase {
  private static final int LINES = 64;

  private EmbeddedChannel decoder;
  private ByteBuf inbound;
  private ByteBuf text;
  private final byte[] name = "load-42".getBytes(StandardCharsets.UTF_8);

  @Setup
  public void setUp() {
    decoder = new EmbeddedChannel(new LineFrameDecoder(4096));
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < LINES; i++) {
      lines.append("SEND ").append("x".repeat(60)).append(String.format("%04d", i)).append('\n');
    }
    inbound = Unpooled.directBuffer().writeBytes(lines.toString().getBytes(StandardCharsets.UTF_8));
    text = Unpooled.directBuffer().writeBytes("y".repeat(64).getBytes(StandardCharsets.UTF_8));
  }

  @TearDown
  public void tearDown() {
    decoder.finishAndReleaseAll();
    inbound.release();
    text.release();
  }

  @Benchmark
  @OperationsPerInvocation(LINES)
  public void decodeAndValidateSendLines(Blackhole bh) {
    decoder.writeInbound(inbound.retainedDuplicate());
    for (ByteBuf line = decoder.readInbound(); line != null; line = decoder.readInbound()) {
      int word = ClientLine.wordLength(line);
      Command command = Command.match(line, word);
      ByteBuf argument = ClientLine.argument(line, word);
      bh.consume(command);
      bh.consume(argument != null && Text.isValid(argument));
      line.release();
    }
  }

  /**
   * The broker's own inbound path: {@link LineFramer} splits a read into lines, {@link
   * LineClassifier} turns each into the request the ring carries (the text handed over, not
   * copied), as {@code ConnectionHandler} does on an I/O thread.
   */
  @Benchmark
  @OperationsPerInvocation(LINES)
  public void frameAndClassifySendLines(Blackhole bh) {
    ByteBuf read = inbound.retainedDuplicate();
    requests.bh = bh;
    LineFramer.frame(read, LineFramer.START, 4096, classifyEachLine);
    read.release();
  }

  /** Hands each framed line to the classifier. */
  private final LineFramer.Sink classifyEachLine =
      new LineFramer.Sink() {
        @Override
        public void line(ByteBuf line) {
          LineClassifier.classify(line, requests);
        }

        @Override
        public void tooLong() {
          throw new IllegalStateException("no line here is too long");
        }
      };

  private final ConsumingRequests requests = new ConsumingRequests();

  /** Consumes each request as the ring would take it, and releases what it owns. */
  private static final class ConsumingRequests implements Requests {
    Blackhole bh;

    @Override
    public void join(Name name, JoinPosition position) {
      bh.consume(name);
    }

    @Override
    public void send(ByteBuf text) {
      bh.consume(text.readableBytes());
      text.release();
    }

    @Override
    public void ping(ByteBuf token) {
      if (token != null) {
        token.release();
      }
    }

    @Override
    public void who() {}

    @Override
    public void leave() {}

    @Override
    public void refuse(ErrorCode code) {
      bh.consume(code);
    }
  }

  @Benchmark
  @OperationsPerInvocation(LINES)
  public void encodeMsgFramesIntoOneSegment(Blackhole bh) {
    ByteBuf segment =
        ByteBufAllocator.DEFAULT.directBuffer(
            LINES * ServerFrames.msgLength(name.length, text.readableBytes()));
    for (int i = 0; i < LINES; i++) {
      ServerFrames.writeMsg(segment, name, text);
    }
    bh.consume(segment.writerIndex());
    segment.release();
  }
}
