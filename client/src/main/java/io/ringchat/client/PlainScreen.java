package io.ringchat.client;

import java.io.PrintStream;

/**
 * Lines on stdout, notes on stderr: for piped input, scripts and CI. With no stdout (one-shot
 * {@code --send}) lines from the room are not shown, only the client's own notes. Any thread.
 */
final class PlainScreen implements Screen {
  private final PrintStream out;
  private final PrintStream err;

  PlainScreen(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public synchronized void show(String line) {
    if (out == null) {
      return;
    }
    out.println(line);
    out.flush();
  }

  @Override
  public synchronized void note(String line) {
    err.println(line);
    err.flush();
  }
}
