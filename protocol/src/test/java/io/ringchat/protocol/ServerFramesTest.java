package io.ringchat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ServerFramesTest {
  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
  private static final byte[] BOB = Text.utf8("bob");

  @Test
  void shouldEncodeEveryServerFrameByteForByte() {
    assertThat(take(ServerFrames.encodeWelcome(ALLOC, Text.utf8("Zoë"), 2)))
        .isEqualTo("WELCOME Zoë 2\n");
    assertThat(written(out -> ServerFrames.writeJoined(out, BOB))).isEqualTo("JOINED bob\n");
    assertThat(written(out -> ServerFrames.writeLeft(out, BOB))).isEqualTo("LEFT bob\n");
    assertThat(written(out -> ServerFrames.writeMember(out, BOB))).isEqualTo("MEMBER bob\n");
    assertThat(written(out -> ServerFrames.writeMembers(out, 10_000))).isEqualTo("MEMBERS 10000\n");
    assertThat(take(ServerFrames.encodePong(ALLOC, null))).isEqualTo("PONG\n");
    assertThat(take(ServerFrames.encodePong(ALLOC, utf8(" tok en ")))).isEqualTo("PONG  tok en \n");
    assertThat(take(ServerFrames.encodeBye(ALLOC))).isEqualTo("BYE\n");
    assertThat(take(ServerFrames.encodeErr(ALLOC, ErrorCode.NAME_TAKEN, "bob is taken")))
        .isEqualTo("ERR name_taken bob is taken\n");
  }

  @Test
  void shouldEncodeThePositionedFramesByteForByte() {
    ByteBuf text = utf8(" are you there?");
    String post =
        written(out -> new PostLines().stage(42, 1764770001203L).writePost(out, BOB, text));

    assertThat(post).isEqualTo("POST 42 1764770001203 bob  are you there?\n");
    assertThat(PostLines.postLength(BOB.length, text.readableBytes()))
        .isGreaterThanOrEqualTo(post.length());
    assertThat(written(out -> new PostLines().stage(45, 1764770011020L).writeSent(out)))
        .isEqualTo("SENT 45 1764770011020\n");
    assertThat(written(out -> ServerFrames.writeGap(out, 1, 9_223_372_036_854_775_807L)))
        .isEqualTo("GAP 1 9223372036854775807\n");
    assertThat(written(ServerFrames::writeGapUnknown)).isEqualTo("GAP unknown\n");
    assertThat(written(out -> ServerFrames.writeReplayed(out, 0))).isEqualTo("REPLAYED 0\n");
    assertThat(written(out -> ServerFrames.writeReplayed(out, 1000))).isEqualTo("REPLAYED 1000\n");
    assertThat(take(ServerFrames.encodeWelcome(ALLOC, BOB, 3, Text.utf8("k3x9"), 44)))
        .isEqualTo("WELCOME bob 3 k3x9:44\n");
    assertThat(take(ServerFrames.encodeWelcome(ALLOC, BOB, 1, Text.utf8("k3x9"), 0)))
        .isEqualTo("WELCOME bob 1 k3x9:0\n");
  }

  @Test
  void shouldWriteEveryLongInDecimalAsJavaDoes() {
    for (long value :
        new long[] {0, 9, 10, 99, 100, 1_000_000_007L, Long.MAX_VALUE, -1, Long.MIN_VALUE}) {
      assertThat(written(out -> Decimals.write(out, value))).isEqualTo(Long.toString(value));
    }
  }

  @Test
  void shouldEncodeMessageWithTextVerbatimAndPredictItsLength() {
    ByteBuf text = utf8("  hi\tthere ");
    String frame = written(out -> ServerFrames.writeMsg(out, BOB, text));

    assertThat(frame).isEqualTo("MSG bob   hi\tthere \n");
    assertThat(ServerFrames.msgLength(BOB.length, text.readableBytes()))
        .isEqualTo(frame.getBytes(StandardCharsets.UTF_8).length);
    assertThat(text.readerIndex()).isZero();
  }

  @ParameterizedTest
  @EnumSource(ErrorCode.class)
  void shouldEncodeEachErrorWithItsWireCodeAndAHumanText(ErrorCode code) {
    String frame = take(ServerFrames.encodeErr(ALLOC, code));

    assertThat(frame).startsWith("ERR " + code.wireName() + " ").endsWith("\n");
    assertThat(frame.length()).isGreaterThan(("ERR " + code.wireName() + " \n").length());
    assertThat(ServerFrame.parse(frame.substring(0, frame.length() - 1)).knownErrorCode())
        .isEqualTo(code);
  }

  @ParameterizedTest
  @EnumSource(Farewell.class)
  void shouldEncodeEachFarewellAsOneValidErrLineOfItsCode(Farewell farewell) {
    String frame = take(farewell.encode(ALLOC, "7 s"));

    assertThat(frame).endsWith("\n").doesNotContain("%s");
    ServerFrame parsed = ServerFrame.parse(frame.substring(0, frame.length() - 1));
    assertThat(parsed.knownErrorCode()).isEqualTo(farewell.code());
    assertThat(Text.isValid(utf8(parsed.text()))).as("the text follows the text rule").isTrue();
  }

  @Test
  void shouldPutTheTimeoutIntoTheJoinTimeoutFarewell() {
    assertThat(take(Farewell.JOIN_TIMEOUT.encode(ALLOC, "250 ms")))
        .isEqualTo("ERR not_joined no JOIN within 250 ms; closing\n");
  }

  @Test
  void shouldEncodeClientFrames() {
    assertThat(take(ClientFrames.encode(ALLOC, Command.JOIN, "Zoë"))).isEqualTo("JOIN Zoë\n");
    assertThat(take(ClientFrames.encode(ALLOC, Command.WHO))).isEqualTo("WHO\n");
  }

  private static String written(Consumer<ByteBuf> writer) {
    ByteBuf out = ALLOC.buffer();
    writer.accept(out);
    return take(out);
  }

  private static String take(ByteBuf buf) {
    try {
      return buf.toString(StandardCharsets.UTF_8);
    } finally {
      buf.release();
    }
  }

  private static ByteBuf utf8(String s) {
    return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8));
  }
}
