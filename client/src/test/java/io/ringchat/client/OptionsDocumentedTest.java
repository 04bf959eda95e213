package io.ringchat.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringchat.broker.BrokerMain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The docs keep up with the command lines: every option of {@code ringchat-broker}, {@code
 * ringchat-client} and {@code ringchat-client load} has a row in its section of docs/OPERATIONS.md
 * (the broker's cluster options: docs/CLUSTER.md) that names the default {@code --help} prints, and
 * every option a row names exists.
 */
class OptionsDocumentedTest {
  private static final Path DOCS = Path.of("..", "docs");
  private static final Pattern PRINTED_DEFAULT = Pattern.compile("Default: (.*)$");
  private static final Pattern NAMED_OPTION = Pattern.compile("`(--?[a-zA-Z][a-zA-Z-]*)");
  private static final Set<String> STANDARD = Set.of("--help", "--version");

  /** One command's table: the file, the heading its section starts with, the command. */
  record Table(String file, String heading, CommandSpec command) {
    @Override
    public String toString() {
      return file + " \"" + heading + "\"";
    }

    /** The table rows of the section, each a line starting with {@code |}. */
    List<String> rows() throws IOException {
      List<String> lines = Files.readAllLines(DOCS.resolve(file), StandardCharsets.UTF_8);
      int start = -1;
      for (int i = 0; i < lines.size() && start < 0; i++) {
        if (lines.get(i).startsWith(heading)) {
          start = i + 1;
        }
      }
      assertThat(start).as("%s has a section %s", file, heading).isPositive();
      List<String> rows = new ArrayList<>();
      for (int i = start; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
        if (lines.get(i).startsWith("| `-")) {
          rows.add(lines.get(i));
        }
      }
      return rows;
    }
  }

  private static final CommandSpec BROKER = BrokerMain.commandLine().getCommandSpec();
  private static final CommandSpec CLIENT = ClientMain.commandLine().getCommandSpec();
  private static final CommandSpec LOAD = CLIENT.subcommands().get("load").getCommandSpec();

  private static final Table BROKER_TABLE = new Table("OPERATIONS.md", "## Broker options", BROKER);
  private static final Table CLUSTER_TABLE = new Table("CLUSTER.md", "## Options", BROKER);
  private static final Table CLIENT_TABLE = new Table("OPERATIONS.md", "## Client options", CLIENT);
  private static final Table LOAD_TABLE =
      new Table("OPERATIONS.md", "## Load generator options", LOAD);

  static Stream<Arguments> options() {
    Stream.Builder<Arguments> out = Stream.builder();
    for (OptionSpec option : BROKER.options()) {
      out.add(
          Arguments.of(
              option.longestName().startsWith("--cluster-") ? CLUSTER_TABLE : BROKER_TABLE,
              option.longestName()));
    }
    CLIENT.options().forEach(o -> out.add(Arguments.of(CLIENT_TABLE, o.longestName())));
    LOAD.options().forEach(o -> out.add(Arguments.of(LOAD_TABLE, o.longestName())));
    return out.build().filter(a -> !STANDARD.contains((String) a.get()[1]));
  }

  @ParameterizedTest(name = "{1} in {0}")
  @MethodSource("options")
  void shouldHaveARowThatNamesItsDefault(Table table, String name) throws IOException {
    OptionSpec option = table.command().findOption(name);
    List<String> rows = table.rows().stream().filter(row -> names(row, name)).toList();
    assertThat(rows).as("a row for %s in %s", name, table).hasSize(1);
    String printed = printedDefault(table.command(), option);
    if (printed == null || option.arity().max() == 0) {
      return; // no default printed, or a flag (off unless given)
    }
    // An empty default prints as what it means, in parentheses: "(none: plain text)".
    String value = printed.replaceAll("^\\((.*)\\)$", "$1");
    String expected =
        value.startsWith("none") || value.contains("(none") ? "none" : firstWord(value);
    assertThat(rows.get(0))
        .as("%s's row in %s names the default --help prints (%s)", name, table, printed)
        .contains(expected);
  }

  static Stream<Table> tables() {
    return Stream.of(BROKER_TABLE, CLUSTER_TABLE, CLIENT_TABLE, LOAD_TABLE);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tables")
  void shouldNameOnlyOptionsThatExist(Table table) throws IOException {
    Set<String> known =
        table.command().options().stream()
            .flatMap(o -> Arrays.stream(o.names()))
            .collect(Collectors.toSet());
    for (String row : table.rows()) {
      Matcher m = NAMED_OPTION.matcher(firstCell(row));
      while (m.find()) {
        assertThat(known).as("%s names %s", table, m.group(1)).contains(m.group(1));
      }
    }
  }

  /** Whether the row's first cell names the option (`--tls`, not `--tls-ca`). */
  private static boolean names(String row, String name) {
    return Pattern.compile("`" + Pattern.quote(name) + "[` =]").matcher(firstCell(row)).find();
  }

  private static String firstCell(String row) {
    int end = row.indexOf(" | ", 2);
    return end < 0 ? row : row.substring(0, end);
  }

  /** What {@code --help} prints after "Default:", without the final full stop; null if nothing. */
  private static String printedDefault(CommandSpec command, OptionSpec option) {
    Matcher m = PRINTED_DEFAULT.matcher(helpText(command, option));
    return m.find() ? m.group(1).replaceAll("\\.$", "").strip() : null;
  }

  /**
   * The option's description as {@code --help} prints it, read from the usage message itself
   * (printed wide, so that no value is broken across lines): its own line and any continuation.
   */
  private static String helpText(CommandSpec command, OptionSpec option) {
    CommandLine cli = command.commandLine();
    cli.setUsageHelpWidth(1000);
    List<String> lines = cli.getUsageMessage(CommandLine.Help.Ansi.OFF).lines().toList();
    Pattern names = Pattern.compile("^\\s+(-\\w, )?" + Pattern.quote(option.longestName()) + "\\b");
    for (int i = 0; i < lines.size(); i++) {
      if (names.matcher(lines.get(i)).find()) {
        StringBuilder text = new StringBuilder(lines.get(i));
        for (int j = i + 1; j < lines.size() && lines.get(j).startsWith("          "); j++) {
          text.append(' ').append(lines.get(j).strip());
        }
        return text.toString().strip();
      }
    }
    throw new AssertionError(option.longestName() + " is not in the usage message");
  }

  private static String firstWord(String text) {
    return text.split(" ", 2)[0].replaceAll("[.,]$", "");
  }
}
