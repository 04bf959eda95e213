package io.ringchat.client;

import java.io.BufferedReader;
import java.io.IOException;

/**
 * Chat without a terminal: the same commands read line by line from standard input, no prompt; at
 * the end of input the client leaves cleanly. Runs on the main thread.
 */
final class PipedChat {
  private PipedChat() {}

  /** Returns the exit code: 0 after leaving, 1 if the connection was lost. */
  static int run(ChatSession session, BufferedReader input, Screen screen)
      throws IOException, InterruptedException {
    session.onLost(reason -> Exit.now(screen, "connection lost: " + reason, 1));
    for (String line = input.readLine(); line != null; line = input.readLine()) {
      if (session.perform(UserCommand.parse(line))) {
        break;
      }
    }
    return leave(session, screen);
  }

  private static int leave(ChatSession session, Screen screen) throws InterruptedException {
    if (session.lost().isDone()) {
      return 1;
    }
    if (!session.leave()) {
      screen.note("left without the broker's BYE");
    }
    return 0;
  }
}
