package io.ringchat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerFrameTest {

  @Test
  void shouldParseThePositionedLines() {
    assertThat(ServerFrame.parse("WELCOME bob 3 k3x9:44"))
        .isEqualTo(new ServerFrame(ServerFrame.Type.WELCOME, "bob", null, 3, null, 44, 0, "k3x9"));
    assertThat(ServerFrame.parse("POST 42 1764770001203 alice are  you there? "))
        .isEqualTo(
            new ServerFrame(
                ServerFrame.Type.POST,
                "alice",
                "are  you there? ",
                0,
                null,
                42,
                1764770001203L,
                null));
    assertThat(ServerFrame.parse("SENT 45 1764770011020"))
        .isEqualTo(
            new ServerFrame(ServerFrame.Type.SENT, null, null, 0, null, 45, 1764770011020L, null));
    ServerFrame gap = ServerFrame.parse("GAP 1 9223372036854775807");
    assertThat(gap.gapFrom()).isEqualTo(1);
    assertThat(gap.gapTo()).isEqualTo(Long.MAX_VALUE);
    assertThat(gap.isGapUnknown()).isFalse();
    assertThat(ServerFrame.parse("GAP unknown").isGapUnknown()).isTrue();
    assertThat(ServerFrame.parse("REPLAYED 3").count()).isEqualTo(3);
    for (String bad :
        new String[] {
          "POST 1 2 alice",
          "POST x 2 a b",
          "SENT 1",
          "GAP 3 2",
          "GAP 0 1",
          "REPLAYED -1",
          "WELCOME bob 3 K:1",
          "WELCOME bob 3 k:x"
        }) {
      assertThat(ServerFrame.parse(bad).type()).as(bad).isEqualTo(ServerFrame.Type.UNKNOWN);
    }
  }

  @Test
  void shouldParseEachServerLine() {
    assertThat(ServerFrame.parse("WELCOME alice 2"))
        .isEqualTo(new ServerFrame(ServerFrame.Type.WELCOME, "alice", null, 2, null));
    assertThat(ServerFrame.parse("JOINED bob"))
        .isEqualTo(new ServerFrame(ServerFrame.Type.JOINED, "bob", null, 0, null));
    assertThat(ServerFrame.parse("LEFT bob"))
        .isEqualTo(new ServerFrame(ServerFrame.Type.LEFT, "bob", null, 0, null));
    assertThat(ServerFrame.parse("MSG bob  hi  there "))
        .isEqualTo(new ServerFrame(ServerFrame.Type.MSG, "bob", " hi  there ", 0, null));
    assertThat(ServerFrame.parse("MEMBER bob"))
        .isEqualTo(new ServerFrame(ServerFrame.Type.MEMBER, "bob", null, 0, null));
    assertThat(ServerFrame.parse("MEMBERS 3"))
        .isEqualTo(new ServerFrame(ServerFrame.Type.MEMBERS, null, null, 3, null));
    assertThat(ServerFrame.parse("PONG"))
        .isEqualTo(new ServerFrame(ServerFrame.Type.PONG, null, "", 0, null));
    assertThat(ServerFrame.parse("PONG t 1"))
        .isEqualTo(new ServerFrame(ServerFrame.Type.PONG, null, "t 1", 0, null));
    assertThat(ServerFrame.parse("BYE"))
        .isEqualTo(new ServerFrame(ServerFrame.Type.BYE, null, null, 0, null));
    assertThat(ServerFrame.parse("ERR name_taken bob is in use"))
        .isEqualTo(new ServerFrame(ServerFrame.Type.ERR, null, "bob is in use", 0, "name_taken"));
  }

  @Test
  void shouldCallMalformedLinesUnknownRatherThanThrow() {
    for (String line :
        new String[] {
          "", "HELLO", "WELCOME", "WELCOME bob x", "MSG bob", "MEMBERS -1", "ERR", "BYE x"
        }) {
      ServerFrame frame = ServerFrame.parse(line);
      assertThat(frame.type()).as(line).isEqualTo(ServerFrame.Type.UNKNOWN);
      assertThat(frame.text()).isEqualTo(line);
    }
  }

  @Test
  void shouldMapKnownErrorCodes() {
    assertThat(ServerFrame.parse("ERR slow_consumer bye").knownErrorCode())
        .isEqualTo(ErrorCode.SLOW_CONSUMER);
    assertThat(ServerFrame.parse("ERR made_up x").knownErrorCode()).isNull();
  }
}
