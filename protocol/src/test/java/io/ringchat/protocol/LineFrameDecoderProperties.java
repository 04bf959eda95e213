package io.ringchat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class LineFrameDecoderProperties {
  private static final int MAX_LINE = 16;

  @Property
  void decodesTheSameHoweverTheBytesAreSplit(
      @ForAll("lines") @Size(max = 20) List<byte[]> lines,
      @ForAll boolean crlf,
      @ForAll @Size(max = 10) List<@IntRange(min = 0, max = 400) Integer> cuts) {
    byte[] stream = join(lines, crlf);

    List<String> whole = decode(List.of(stream));
    List<String> split = decode(splitAt(stream, cuts));

    assertThat(split).isEqualTo(whole);
    assertThat(whole).isEqualTo(expected(lines, crlf));
  }

  @Provide
  Arbitrary<List<byte[]>> lines() {
    // Bytes other than LF, biased towards CR, space and letters, lengths around the limit.
    Arbitrary<Byte> bytes =
        Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.just((byte) '\r')),
            Tuple.of(2, Arbitraries.just((byte) ' ')),
            Tuple.of(10, Arbitraries.bytes().filter(b -> b != '\n')));
    return bytes.array(byte[].class).ofMaxSize(MAX_LINE + 8).list();
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
