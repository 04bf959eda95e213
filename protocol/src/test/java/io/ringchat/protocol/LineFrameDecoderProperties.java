package io.ringchat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.ringchat.protocol.testing.property.Gen;
import io.ringchat.protocol.testing.property.PropertyCheck;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineFrameDecoderProperties {
  private static final int MAX_LINE = 16;

  /** Lines of a stream, CRLF or LF endings, and where the stream is cut into reads. */
  record Case(List<byte[]> lines, boolean crlf, List<Integer> cuts) {
    @Override
    public String toString() {
      StringBuilder out = new StringBuilder(crlf ? "CRLF" : "LF").append(", cuts ").append(cuts);
      lines.forEach(line -> out.append(", ").append(Arrays.toString(line)));
      return out.toString();
    }
  }

  @Test
  void decodesTheSameHoweverTheBytesAreSplit() {
    Gen<Case> cases =
        c ->
            new Case(
                LINES.draw(c), Gen.booleans().draw(c), Gen.listOf(Gen.ints(0, 400), 10).draw(c));
    PropertyCheck.forAll(cases)
        .tries(500)
        .check(
            one -> {
              byte[] stream = join(one.lines(), one.crlf());
              List<String> whole = decode(List.of(stream));
              List<String> split = decode(splitAt(stream, one.cuts()));
              assertThat(split).isEqualTo(whole);
              assertThat(whole).isEqualTo(expected(one.lines(), one.crlf()));
            });
  }

  /** Bytes other than LF, biased towards CR, space and letters, lengths around the limit. */
  private static final Gen<List<byte[]>> LINES =
      Gen.listOf(
          Gen.listOf(
                  Gen.<Integer>frequency(
                      10, Gen.ints(0, 255).filter(b -> b != '\n'),
                      1, Gen.constant((int) '\r'),
                      2, Gen.constant((int) ' ')),
                  MAX_LINE + 8)
              .map(LineFrameDecoderProperties::toBytes),
          20);

  private static byte[] toBytes(List<Integer> values) {
    byte[] out = new byte[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) values.get(i).intValue();
    }
    return out;
  }

  /** What PROTOCOL.md says the lines are: CR before LF dropped, empty lines ignored. */
  private static List<String> expected(List<byte[]> lines, boolean crlf) {
    List<String> out = new ArrayList<>();
    for (byte[] content : lines) {
      byte[] line = content;
      if (!crlf && line.length > 0 && line[line.length - 1] == '\r') {
        line = Arrays.copyOf(line, line.length - 1);
      }
      int length = line.length;
      if (length > MAX_LINE) {
        out.add("<too long>");
      } else if (length > 0) {
        out.add(Arrays.toString(line));
      }
    }
    return out;
  }

  private static byte[] join(List<byte[]> lines, boolean crlf) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] line : lines) {
      out.writeBytes(line);
      if (crlf) {
        out.write('\r');
      }
      out.write('\n');
    }
    return out.toByteArray();
  }

  private static List<byte[]> splitAt(byte[] stream, List<Integer> cuts) {
    List<Integer> points = new ArrayList<>();
    for (int cut : cuts) {
      points.add(Math.min(cut, stream.length));
    }
    points.add(stream.length);
    points.sort(null);
    List<byte[]> chunks = new ArrayList<>();
    int from = 0;
    for (int to : points) {
      chunks.add(Arrays.copyOfRange(stream, from, to));
      from = to;
    }
    return chunks;
  }

  private static List<String> decode(List<byte[]> chunks) {
    EmbeddedChannel channel = new EmbeddedChannel(new LineFrameDecoder(MAX_LINE));
    List<String> out = new ArrayList<>();
    for (byte[] chunk : chunks) {
      channel.writeInbound(Unpooled.wrappedBuffer(chunk));
      for (Object o = channel.readInbound(); o != null; o = channel.readInbound()) {
        if (o == LineTooLong.INSTANCE) {
          out.add("<too long>");
        } else {
          ByteBuf buf = (ByteBuf) o;
          out.add(Arrays.toString(ByteBufBytes.of(buf)));
          buf.release();
        }
      }
    }
    channel.finishAndReleaseAll();
    return out;
  }
}
