package io.ringchat.client;

/**
 * Ends the process from whichever thread learns that the connection is gone. The main thread may be
 * blocked reading the user's input, which no other thread can interrupt portably, so the exit runs
 * on a thread of its own (never on the connection's event loop, which the exit waits for).
 */
final class Exit {
  private Exit() {}

  static void now(Screen screen, String reason, int code) {
    Thread exit =
        new Thread(
            () -> {
              screen.last(reason);
              System.exit(code);
            },
            "ringchat-exit");
    exit.start();
  }
}
