package io.ringchat.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringchat.client.UserCommand.Kind;
import org.junit.jupiter.api.Test;

class UserCommandTest {

  @Test
  void shouldParseSendKeepingTheMessageVerbatim() {
    assertThat(UserCommand.parse("send hello there"))
        .isEqualTo(new UserCommand(Kind.SEND, "hello there"));
    assertThat(UserCommand.parse("SEND  two spaces "))
        .isEqualTo(new UserCommand(Kind.SEND, " two spaces "));
    assertThat(UserCommand.parse("  send x")).isEqualTo(new UserCommand(Kind.SEND, "x"));
  }

  @Test
  void shouldHintInsteadOfSendingNothing() {
    assertThat(UserCommand.parse("send").kind()).isEqualTo(Kind.UNKNOWN);
    assertThat(UserCommand.parse("send   ").text()).contains("send <message>");
  }

  @Test
  void shouldParseTheOtherCommands() {
    assertThat(UserCommand.parse("leave").kind()).isEqualTo(Kind.LEAVE);
    assertThat(UserCommand.parse("Leave").kind()).isEqualTo(Kind.LEAVE);
    assertThat(UserCommand.parse("who").kind()).isEqualTo(Kind.WHO);
    assertThat(UserCommand.parse("help").kind()).isEqualTo(Kind.HELP);
    assertThat(UserCommand.parse("   ").kind()).isEqualTo(Kind.BLANK);
  }

  @Test
  void shouldHintAtUnknownCommands() {
    UserCommand command = UserCommand.parse("sned hi");

    assertThat(command.kind()).isEqualTo(Kind.UNKNOWN);
    assertThat(command.text()).contains("unknown command 'sned'").contains("send <message>");
  }
}
