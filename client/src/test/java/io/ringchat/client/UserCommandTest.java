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
  void shouldSendAnyLineThatIsNotACommandAsTypedIncludingLinesStartingWithACommandWord() {
    assertThat(UserCommand.parse("hello everyone"))
        .isEqualTo(new UserCommand(Kind.SEND, "hello everyone"));
    assertThat(UserCommand.parse("who is here?"))
        .isEqualTo(new UserCommand(Kind.SEND, "who is here?"));
    assertThat(UserCommand.parse("leave me alone"))
        .isEqualTo(new UserCommand(Kind.SEND, "leave me alone"));
    assertThat(UserCommand.parse("  sned hi ")).isEqualTo(new UserCommand(Kind.SEND, "  sned hi "));
  }

  @Test
  void shouldTakeIrcStyleSlashCommands() {
    assertThat(UserCommand.parse("/send hi there"))
        .isEqualTo(new UserCommand(Kind.SEND, "hi there"));
    assertThat(UserCommand.parse("/WHO").kind()).isEqualTo(Kind.WHO);
    assertThat(UserCommand.parse("/leave").kind()).isEqualTo(Kind.LEAVE);
    assertThat(UserCommand.parse("/quit").kind()).isEqualTo(Kind.LEAVE);
    assertThat(UserCommand.parse("/help").kind()).isEqualTo(Kind.HELP);
    assertThat(UserCommand.parse("QUIT").kind()).isEqualTo(Kind.LEAVE);
    assertThat(UserCommand.parse("Exit").kind()).isEqualTo(Kind.LEAVE);
  }

  @Test
  void shouldHintAtAnUnknownSlashCommandInsteadOfSendingIt() {
    UserCommand command = UserCommand.parse("/nick bob");

    assertThat(command.kind()).isEqualTo(Kind.UNKNOWN);
    assertThat(command.text()).contains("unknown command '/nick'").contains("/send");
  }

  @Test
  void shouldStateTheRealMessageLimitInTheHelp() {
    assertThat(UserCommand.HELP).contains("up to 4091 bytes");
  }
}
