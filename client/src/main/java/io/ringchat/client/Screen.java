package io.ringchat.client;

/**
 * Where the client shows lines: above the prompt on a terminal, plainly on stdout otherwise. Any
 * thread may call it; text given to it is already escaped.
 */
interface Screen {
  /** Shows a line from the room (a message, a notice, an error from the broker). */
  void show(String line);

  /** Shows a note from the client itself (a hint, a reason for leaving). */
  void note(String line);

  /**
   * Shows the last line before the process exits (why the connection ended). On a terminal it takes
   * the prompt's place, so that the shell's prompt starts on a clean line.
   */
  default void last(String line) {
    note(line);
  }
}
