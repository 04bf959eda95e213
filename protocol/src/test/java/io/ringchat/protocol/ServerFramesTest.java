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
