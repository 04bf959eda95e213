package io.ringchat.client;

import io.ringchat.protocol.ErrorCode;
import io.ringchat.protocol.JoinPosition;
import io.ringchat.protocol.ServerFrame;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Keeps an interactive chat in the room across lost connections. When a connection ends without
 * {@code BYE} (the broker stopped, the network dropped, the keepalive gave up on it), it connects
 * again with back-off (1 s, doubling up to 30 s), to the next broker of the list when there are
 * several ({@code --host a,b,c}), and joins under the same name. While the broker still holds the
 * old connection (or a cluster has not yet removed the old broker's session) the name is taken;
 * that is retried every second, with one line saying so, for up to {@code --rejoin-wait} (10 s):
 * taken for longer, someone else has it now, and the client says so and exits 1. With reconnecting
 * off, a lost connection is the end: one line, and the caller exits.
 *
 * <p>Lost connections are reported on their event loop; the reconnecting runs on a thread of its
 * own, so that the prompt keeps working meanwhile (a message typed then is refused with a note).
 */
final class Reconnector {
  private static final long FIRST_DELAY_MILLIS = 1_000;
  private static final long MAX_DELAY_MILLIS = 30_000;
  private static final long NAME_RETRY_MILLIS = 1_000;

  /** The default of {@code --rejoin-wait}. */
  static final String DEFAULT_REJOIN_WAIT_TEXT = "10s";

  private final ClientConfig config;
  private final String name;
  private final Screen screen;
  private final boolean reconnect;
  private final Consumer<String> exit;
  private final Duration rejoinWait;
  private final Consumer<ChatSession> rejoined;
  private final Runnable noHistory;
  private volatile boolean stopped;

  /** Where the lost session had got to in the room's numbering (SINCE), or null. */
  private volatile JoinPosition resumeFrom;

  /** The session being looked after. */
  private volatile ChatSession watched;

  private volatile Thread thread;

  /** The index in the broker list of the broker the current session is on. */
  private volatile int broker;

  /**
   * @param reconnect whether a lost connection is followed by a new one; if not, it is the end
   * @param exit called with the last line when the chat cannot go on: the connection was lost and
   *     reconnecting is off, or the name stayed taken
   * @param rejoinWait how long a taken name is retried after reconnecting
   * @param rejoined called with each new session once it has joined
   * @param noHistory called when a broker turned out to keep no history (it answered a positioned
   *     JOIN as protocol version 1 does)
   */
  Reconnector(
      ClientConfig config,
      String name,
      Screen screen,
      boolean reconnect,
      Consumer<String> exit,
      Duration rejoinWait,
      Consumer<ChatSession> rejoined,
      Runnable noHistory) {
    this.config = config;
    this.name = name;
    this.screen = screen;
    this.reconnect = reconnect;
    this.exit = exit;
    this.rejoinWait = rejoinWait;
    this.rejoined = rejoined;
    this.noHistory = noHistory;
  }

  /**
   * Looks after {@code session}, which has joined as the name on broker {@code broker} of the list:
   * its messages shown as its own.
   */
  void watch(ChatSession session, int broker) {
    this.broker = broker;
    this.watched = session;
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
    if (!reconnect) {
      exit.accept("connection lost: " + reason);
      return;
    }
    screen.note("connection lost: " + reason + "; reconnecting");
    ChatSession lostSession = watched;
    if (lostSession != null && lostSession.resumePosition() != null) {
      resumeFrom = lostSession.resumePosition();
    }
    Thread t = new Thread(this::reconnect, "ringchat-reconnect");
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  private void reconnect() {
    String shown = TerminalSafe.escape(name);
    long takenSince = 0; // when the name was first found taken (nanoTime), or 0
    long backoff = FIRST_DELAY_MILLIS;
    long delay = backoff;
    while (!stopped) {
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        return; // stopped
      }
      backoff = Math.min(backoff * 2, MAX_DELAY_MILLIS);
      delay = backoff;
      String retry = "; retrying in " + backoff / 1000 + " s";
      ChatSession session = new ChatSession(screen);
      try {
        // The next broker in the list first: the one just lost may be the one that is down.
        int next = ClientMain.connect(config, session, broker + 1).broker();
        // SINCE where the lost session got to, so what was said meanwhile is shown; a session that
        // was never positioned (its broker keeps no history) asks the new broker for none.
        JoinPosition from = resumeFrom;
        ServerFrame reply =
            session.joinWithHistory(name, from != null ? from : JoinPosition.history(0), noHistory);
        if (reply.type() == ServerFrame.Type.WELCOME && !stopped) {
          rejoined.accept(session);
          screen.note("reconnected as " + shown + "; " + reply.count() + " in the room");
          watch(session, next); // last: a connection lost already is reported after that line
          return;
        }
        session.close();
        if (reply.knownErrorCode() == ErrorCode.NAME_TAKEN) {
          long now = System.nanoTime();
          takenSince = takenSince == 0 ? now : takenSince;
          if (now - takenSince >= rejoinWait.toNanos()) {
            exit.accept(
                "the name "
                    + shown
                    + " is still taken after "
                    + rejoinWait.toSeconds()
                    + " s: someone else has it now; start again with another --username");
            return;
          }
          delay = NAME_RETRY_MILLIS;
          screen.note(
              "the name "
                  + shown
                  + " is still held by the broker (it has not yet noticed the old connection is"
                  + " gone); retrying in "
                  + NAME_RETRY_MILLIS / 1000
                  + " s");
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
