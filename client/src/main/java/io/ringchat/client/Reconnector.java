package io.ringchat.client;

import io.ringchat.protocol.ErrorCode;
import io.ringchat.protocol.ServerFrame;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Keeps an interactive chat in the room across lost connections. When a connection ends without
 * {@code BYE} (the broker stopped, the network dropped, the keepalive gave up on it), it connects
 * again with back-off (1 s, doubling up to 30 s), to the next broker of the list when there are
 * several ({@code --host a,b,c}), and joins under the same name. While the broker still holds the
 * old connection the name is taken; that is retried, with one line saying so. With reconnecting
 * off, a lost connection is the end: one line, and the caller exits.
 *
 * <p>Lost connections are reported on their event loop; the reconnecting runs on a thread of its
 * own, so that the prompt keeps working meanwhile (a message typed then is refused with a note).
 */
final class Reconnector {
  private static final long FIRST_DELAY_MILLIS = 1_000;
  private static final long MAX_DELAY_MILLIS = 30_000;

  private final ClientConfig config;
  private final String name;
  private final Screen screen;
  private final Consumer<String> giveUp;
  private final Consumer<ChatSession> rejoined;
  private volatile boolean stopped;
  private volatile Thread thread;

  /** The index in the broker list of the broker the current session is on. */
  private volatile int broker;

  /**
   * @param giveUp null to reconnect; otherwise called with the last line when a connection is lost
   * @param rejoined called with each new session once it has joined
   */
  Reconnector(
      ClientConfig config,
      String name,
      Screen screen,
      Consumer<String> giveUp,
      Consumer<ChatSession> rejoined) {
    this.config = config;
    this.name = name;
    this.screen = screen;
    this.giveUp = giveUp;
    this.rejoined = rejoined;
  }

  /**
   * Looks after {@code session}, which has joined as the name on broker {@code broker} of the list:
   * its messages shown as its own.
   */
  void watch(ChatSession session, int broker) {
    this.broker = broker;
    session.echoOwnMessagesAs(name);
    session.onLost(this::lost);
  }

  /** The person left: no more reconnecting. */
  void stop() {
    stopped = true;
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
  }

  private void lost(String reason) {
    if (stopped) {
      return;
    }
    if (giveUp != null) {
      giveUp.accept("connection lost: " + reason);
      return;
    }
    screen.note("connection lost: " + reason + "; reconnecting");
    Thread t = new Thread(this::reconnect, "ringchat-reconnect");
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  private void reconnect() {
    String shown = TerminalSafe.escape(name);
    for (long delay = FIRST_DELAY_MILLIS; !stopped; delay = Math.min(delay * 2, MAX_DELAY_MILLIS)) {
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        return; // stopped
      }
      String retry = "; retrying in " + Math.min(delay * 2, MAX_DELAY_MILLIS) / 1000 + " s";
      ChatSession session = new ChatSession(screen);
      try {
        // The next broker in the list first: the one just lost may be the one that is down.
        int next = ClientMain.connect(config, session, broker + 1).broker();
        ServerFrame reply = session.join(name);
        if (reply.type() == ServerFrame.Type.WELCOME && !stopped) {
          watch(session, next);
          rejoined.accept(session);
          screen.note("reconnected as " + shown + "; " + reply.count() + " in the room");
          return;
        }
        session.close();
        if (reply.knownErrorCode() == ErrorCode.NAME_TAKEN) {
          screen.note(
              "the name "
                  + shown
                  + " is still held by the broker (it has not yet noticed the old connection is"
                  + " gone)"
                  + retry);
        } else if (reply.type() == ServerFrame.Type.ERR) {
          screen.note("cannot rejoin as " + shown + ": " + ClientMain.describe(reply) + retry);
        }
      } catch (IOException e) {
        screen.note(e.getMessage() + retry);
      } catch (TimeoutException | ExecutionException e) {
        session.close();
        screen.note("the broker did not answer the JOIN" + retry);
      } catch (InterruptedException e) {
        session.close();
        return; // stopped
      }
    }
  }
}
