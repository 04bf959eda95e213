package io.ringchat.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * What the broker's and the client's command lines have in common: a usage mistake is one line
 * saying what is wrong and where to look, and exit status 2, never a stack trace or a page of help.
 */
public final class CommandLines {
  private CommandLines() {}

  /** A picocli command line for {@code command}, with the one-line usage-error handler. */
  public static CommandLine of(Object command) {
    CommandLine cli = new CommandLine(command);
    cli.setParameterExceptionHandler(CommandLines::usageError);
    return cli;
  }

  private static int usageError(CommandLine.ParameterException e, String[] args) {
    PrintWriter err = e.getCommandLine().getErr();
    String program = e.getCommandLine().getCommandSpec().qualifiedName();
    err.println(program + ": " + e.getMessage());
    err.println("Try '" + program + " --help' for the options.");
    return CommandLine.ExitCode.USAGE;
  }
}
