package io.ringchat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerFrameTest {

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
