package io.ringchat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Lines in, typed requests out: the classifier alone, no channel, no broker. */
class LineClassifierTest {
  /** Records each request as text, and checks that every buffer it is handed is released once. */
  private static class Recorder implements Requests {
    final List<String> requests = new ArrayList<>();

    @Override
    public void join(Name name, JoinPosition position) {
      requests.add("join " + name.display() + (position == null ? "" : " " + position));
    }

    @Override
    public void send(ByteBuf text) {
      requests.add("send " + text.toString(StandardCharsets.UTF_8));
      text.release();
    }

    @Override
    public void ping(ByteBuf token) {
      requests.add("ping " + (token == null ? "-" : token.toString(StandardCharsets.UTF_8)));
      if (token != null) {
        token.release();
      }
    }

    @Override
    public void who() {
      requests.add("who");
    }

    @Override
    public void leave() {
      requests.add("leave");
    }

    @Override
    public void refuse(ErrorCode code) {
      requests.add("refuse " + code.wireName());
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "JOIN alice|join alice",
        "join Zoë|join Zoë",
        "SEND hello there|send hello there",
        "send   spaced  |send   spaced  ",
        "PING|ping -",
        "PING |ping -",
        "ping tok en|ping tok en",
        "WHO|who",
        "Leave|leave",
        "JOIN|refuse bad_command",
        "SEND|refuse bad_command",
        "SEND |refuse bad_command",
        "HELLO there|refuse bad_command",
        "JOINalice|refuse bad_command",
        "JOIN -bad|refuse bad_name",
        "JOIN a b|refuse bad_name",
        "JOIN bob HISTORY 20|join bob HISTORY 20",
        "join bob history 0|join bob HISTORY 0",
        "JOIN bob HiStOrY 007|join bob HISTORY 7",
        "JOIN bob HISTORY 99999999999999999999999|join bob HISTORY 9223372036854775807",
        "JOIN bob SINCE k3x9:41|join bob SINCE k3x9:41",
        "JOIN bob since 0123456789abcdef:0|join bob SINCE 0123456789abcdef:0",
        "JOIN bob SINCE a:9223372036854775807|join bob SINCE a:9223372036854775807",
        "JOIN bob HISTORY|refuse bad_command",
        "JOIN bob HISTORY |refuse bad_command",
        "JOIN bob HISTORY -1|refuse bad_command",
        "JOIN bob HISTORY +1|refuse bad_command",
        "JOIN bob HISTORY 1 2|refuse bad_command",
        "JOIN bob HISTORY 1x|refuse bad_command",
        "JOIN bob SINCE|refuse bad_command",
        "JOIN bob SINCE k3x9|refuse bad_command",
        "JOIN bob SINCE :1|refuse bad_command",
        "JOIN bob SINCE k3x9:|refuse bad_command",
        "JOIN bob SINCE K3X9:1|refuse bad_command",
        "JOIN bob SINCE k-3:1|refuse bad_command",
        "JOIN bob SINCE 0123456789abcdefg:1|refuse bad_command",
        "JOIN bob SINCE a:9223372036854775808|refuse bad_command",
        "JOIN bob SINCE a:1 b|refuse bad_command",
        "JOIN bob LATER 5|refuse bad_name",
        "JOIN bob ſince a:1|refuse bad_name",
        "JOIN -bob HISTORY 1|refuse bad_name",
      })
  void shouldTurnEachLineIntoItsRequest(String line, String request) {
    assertThat(classify(line)).isEqualTo(request);
  }

  @Test
  void shouldRefuseAControlCharacterAnywhereInAPositionedJoinAsBadText() {
    assertThat(classify("JOIN bob HISTORY 1\t")).isEqualTo("refuse bad_text");
    assertThat(classify("JOIN bob SINCE a:\u00011")).isEqualTo("refuse bad_text");
  }

  @Test
  void shouldAnswerAPositionedJoinAsVersionOneDoesWhereTheBrokerKeepsNoHistory() {
    for (String line : List.of("JOIN bob HISTORY 1", "JOIN bob SINCE a:1", "JOIN bob x")) {
      ByteBuf buf = utf8(line);
      Recorder recorder = new Recorder();

      LineClassifier.classify(buf, false, recorder);

      assertThat(recorder.requests).as(line).containsExactly("refuse bad_name");
      assertThat(buf.refCnt()).isZero();
    }
  }

  @Test
  void shouldRefuseTextWithControlCharactersOrBadUtf8() {
    assertThat(classify("SEND a\u0001b")).isEqualTo("refuse bad_text");
    ByteBuf badUtf8 = Unpooled.buffer().writeBytes("SEND ".getBytes(StandardCharsets.US_ASCII));
    badUtf8.writeByte(0xC3);

    Recorder recorder = new Recorder();
    LineClassifier.classify(badUtf8, recorder);

    assertThat(recorder.requests).containsExactly("refuse bad_text");
    assertThat(badUtf8.refCnt()).isZero();
  }

  @Test
  void shouldHandOverTheLineItselfAsTheTextWithoutCopying() {
    ByteBuf line = utf8("SEND hi");
    List<ByteBuf> handed = new ArrayList<>();
    Recorder recorder =
        new Recorder() {
          @Override
          public void send(ByteBuf text) {
            handed.add(text);
          }
        };

    LineClassifier.classify(line, recorder);

    assertThat(handed).singleElement().isSameAs(line);
    assertThat(line.toString(StandardCharsets.UTF_8)).isEqualTo("hi");
    line.release();
  }

  private static String classify(String line) {
    ByteBuf buf = utf8(line);
    Recorder recorder = new Recorder();
    LineClassifier.classify(buf, recorder);
    assertThat(buf.refCnt()).as("the line is released or handed over and released").isZero();
    assertThat(recorder.requests).hasSize(1);
    return recorder.requests.get(0);
  }

  private static ByteBuf utf8(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
  }
}
