package io.ringchat.client;

import io.ringchat.protocol.Command;
import io.ringchat.protocol.ErrorCode;
import io.ringchat.protocol.Farewell;
import io.ringchat.protocol.JoinPosition;
import io.ringchat.protocol.ServerFrame;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A member's conversation with the broker: join, send, who, leave, and turning what the broker
 * sends into lines on the {@link Screen}. Frames arrive on the connection's event loop; the
 * commands are called by the thread reading the user's input.
 */
final class ChatSession implements ChatConnection.Listener {
  static final long REPLY_TIMEOUT_MILLIS = 10_000;
  static final long BYE_TIMEOUT_MILLIS = 5_000;

  private final Screen screen;
  private volatile ChatConnection connection;
  private volatile CompletableFuture<ServerFrame> joinReply;
  private final CompletableFuture<Void> bye = new CompletableFuture<>();
  private final CompletableFuture<String> lost = new CompletableFuture<>();
  private volatile Consumer<String> lostHandler;
  private final AtomicBoolean lostReported = new AtomicBoolean();
  private volatile boolean leaving;
  private volatile ServerFrame lastError;

  /** The ERR that announced the close (server_full, slow_consumer, shutting_down), or null. */
  private volatile ServerFrame farewell;

  /** Why the connection was given up for dead (keepalive), or null. */
  private volatile String silence;

  /** The member's own name once messages it sends are to be shown in its scrollback; else null. */
  private volatile String echoAs;

  private final List<String> members = new ArrayList<>(); // event loop only

  // Protocol 1.1, a positioned join: the room's epoch and the newest seq seen (null/0 until then).
  private volatile String epoch;
  private volatile long lastSeq;

  /** Between a positioned WELCOME and its REPLAYED: the lines are history, shown with a time. */
  private boolean replaying; // event loop only

  /**
   * The room's epoch a {@code SINCE} join named (a return after a lost connection: say what was
   * missed); null for any other join.
   */
  private volatile String sinceEpoch;

  private boolean epochUnknown; // event loop only
  private final ZoneId zone;

  ChatSession(Screen screen) {
    this(screen, ZoneId.systemDefault());
  }

  /** As above, showing the times of history in {@code zone}. */
  ChatSession(Screen screen, ZoneId zone) {
    this.screen = screen;
    this.zone = zone;
  }

  void attach(ChatConnection connection) {
    this.connection = connection;
  }

  /** Closes the connection, if there is one (without LEAVE: see {@link #leave()}). */
  void close() {
    ChatConnection c = connection;
    if (c != null) {
      c.close();
    }
  }

  /** Completes with the reason when the connection ends without this client leaving. */
  CompletableFuture<String> lost() {
    return lost;
  }

  /**
   * Has {@code handler} called once with the reason if the connection is lost without this client
   * leaving: on the event loop, or at once on this thread if it is lost already (a broker can close
   * it right after the JOIN's answer, before the caller gets here, and a handler set only after
   * that would never hear of it).
   */
  void onLost(Consumer<String> handler) {
    lostHandler = handler;
    String reason = lost.getNow(null);
    if (reason != null && lostReported.compareAndSet(false, true)) {
      handler.accept(reason);
    }
  }

  /** From now on, each message this member sends is shown as its own, under {@code name}. */
  void echoOwnMessagesAs(String name) {
    echoAs = name;
  }

  /** The last ERR the broker sent, or null. */
  ServerFrame lastError() {
    return lastError;
  }

  /**
   * Sends {@code JOIN name} and waits for the answer: WELCOME, or the ERR that refused the name.
   *
   * @throws TimeoutException if the broker does not answer in time
   */
  ServerFrame join(String name) throws InterruptedException, TimeoutException, ExecutionException {
    return join(name, null);
  }

  /**
   * As above, positioned when {@code position} is not null ({@code JOIN name HISTORY n} or {@code
   * JOIN name SINCE epoch:seq}): the replay that follows the WELCOME is shown with the time of each
   * line, and after a {@code SINCE} the client says what was missed and asks who is there.
   */
  ServerFrame join(String name, JoinPosition position)
      throws InterruptedException, TimeoutException, ExecutionException {
    CompletableFuture<ServerFrame> reply = new CompletableFuture<>();
    joinReply = reply;
    boolean since = position != null && position.isSince();
    sinceEpoch = since ? position.epoch() : null;
    if (since) {
      lastSeq = position.since(); // what this connection has read of the room so far
    }
    connection.send(Command.JOIN, position == null ? name : name + " " + position);
    CompletableFuture<Object> either = CompletableFuture.anyOf(reply, lost);
    Object answer = either.get(REPLY_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    if (answer instanceof ServerFrame frame) {
      return frame;
    }
    throw new ExecutionException(new java.io.IOException((String) answer));
  }

  /**
   * Carries out one typed command; returns true when it is {@code leave}, which the caller then
   * performs (so that it decides how to wait and what to return).
   */
  boolean perform(UserCommand command) {
    switch (command.kind()) {
      case SEND -> send(command.text());
      case WHO -> who();
      case HELP -> screen.note(UserCommand.HELP);
      case UNKNOWN -> screen.note(command.text());
      case BLANK -> {}
      case LEAVE -> {
        return true;
      }
    }
    return false;
  }

  /**
   * Sends {@code text}, unless it is over the default broker's limit (then says so and returns
   * false). A broker with another {@code --max-line} still answers {@code too_long} itself.
   */
  boolean send(String text) {
    String refusal = tooLong(text);
    if (refusal != null) {
      screen.note(refusal);
      return false;
    }
    if (!connection.isOpen()) {
      screen.note("not sent: not connected");
      return false;
    }
    String name = echoAs;
    if (name != null) {
      screen.show(TerminalSafe.escape(name) + " (you): " + safe(text));
    }
    connection.send(Command.SEND, text);
    return true;
  }

  /** Why {@code text} is too long to send, or null if it fits. */
  static String tooLong(String text) {
    int bytes = text.getBytes(StandardCharsets.UTF_8).length;
    if (bytes <= UserCommand.MAX_MESSAGE_BYTES) {
      return null;
    }
    return "not sent: the message is "
        + bytes
        + " bytes; the limit is "
        + UserCommand.MAX_MESSAGE_BYTES
        + " bytes (UTF-8)";
  }

  void who() {
    connection.send(Command.WHO, null);
  }

  /**
   * Joins positioned, and if the broker answers {@code bad_name} (a broker of protocol version 1
   * answers anything after the name so), joins again plainly; only if that is accepted does it
   * follow that the broker keeps no history, and {@code noHistory} is run.
   */
  ServerFrame joinWithHistory(String name, JoinPosition position, Runnable noHistory)
      throws InterruptedException, TimeoutException, ExecutionException {
    ServerFrame reply = join(name, position);
    if (reply.knownErrorCode() != ErrorCode.BAD_NAME) {
      return reply;
    }
    ServerFrame plain = join(name, null);
    if (plain.type() == ServerFrame.Type.WELCOME) {
      noHistory.run();
    }
    return plain;
  }

  /**
   * Where to resume from after this connection is lost: {@code SINCE} the newest position seen, or
   * null if this session was never positioned.
   */
  JoinPosition resumePosition() {
    String e = epoch;
    return e == null ? null : JoinPosition.since(e, lastSeq);
  }

  /** Sends LEAVE and waits (bounded) for BYE; returns whether it came. */
  boolean leave() throws InterruptedException {
    leaving = true;
    if (!connection.isOpen()) {
      return false;
    }
    connection.send(Command.LEAVE, null);
    try {
      bye.get(BYE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return false;
    }
  }

  @Override
  public void onFrame(ServerFrame frame) {
    CompletableFuture<ServerFrame> pendingJoin = joinReply;
    if (pendingJoin != null
        && !pendingJoin.isDone()
        && (frame.type() == ServerFrame.Type.WELCOME || frame.type() == ServerFrame.Type.ERR)) {
      if (frame.epoch() != null) {
        // The position to go on from is the last line this connection read: after a SINCE in the
        // room's epoch that is still the SINCE until the replay brings its lines, so a connection
        // lost before them asks for them again. A first join, or a new epoch (GAP unknown
        // follows), goes on from the WELCOME's.
        if (!frame.epoch().equals(sinceEpoch)) {
          lastSeq = frame.seq();
        }
        epoch = frame.epoch();
        replaying = true;
      }
      pendingJoin.complete(frame);
      return;
    }
    switch (frame.type()) {
      case MSG -> screen.show(safe(frame.name()) + ": " + safe(frame.text()));
      case POST -> {
        lastSeq = frame.seq();
        String line = safe(frame.name()) + ": " + safe(frame.text());
        screen.show(
            replaying
                ? "[" + localTime(frame.millis(), zone, System.currentTimeMillis()) + "] " + line
                : line);
      }
      case SENT -> lastSeq = frame.seq();
      case GAP -> {
        if (frame.isGapUnknown()) {
          epochUnknown = true;
          screen.note("(the broker restarted: what was said while you were away is unknown)");
        } else {
          lastSeq = frame.gapTo();
          screen.note(
              "("
                  + (frame.gapTo() - frame.gapFrom() + 1)
                  + " messages sent while you were away are no longer kept)");
        }
      }
      case REPLAYED -> {
        replaying = false;
        if (sinceEpoch != null) {
          if (!epochUnknown) {
            int n = frame.count();
            screen.note(
                n == 1
                    ? "(back: 1 message while you were away)"
                    : "(back: " + n + " messages while you were away)");
          }
          who(); // who is there now: presence is not replayed
        }
      }
      case JOINED -> screen.show("* " + safe(frame.name()) + " joined");
      case LEFT -> screen.show("* " + safe(frame.name()) + " left");
      case MEMBER -> members.add(safe(frame.name()));
      case MEMBERS -> {
        screen.show("members (" + frame.count() + "): " + String.join(", ", members));
        members.clear();
      }
      case BYE -> bye.complete(null);
      case ERR -> {
        lastError = frame;
        ErrorCode code = frame.knownErrorCode();
        if (code != null && Farewell.alwaysCloses(code)) {
          farewell = frame; // the close follows, and says why in one line
        } else {
          screen.show("! " + safe(frame.errorCode()) + ": " + safe(frame.text()));
        }
      }
      case UNKNOWN -> screen.show("? " + safe(frame.text()));
      case WELCOME, PONG -> {}
    }
  }

  @Override
  public void onSilent(String reason) {
    silence = reason;
  }

  @Override
  public void onClosed() {
    bye.complete(null);
    if (!leaving) {
      ServerFrame error = farewell;
      String reason;
      if (silence != null) {
        reason = silence;
      } else if (error != null) {
        reason = safe(error.text()) + " (" + safe(error.errorCode()) + ")";
      } else {
        reason = "the broker closed the connection";
      }
      lost.complete(reason);
      // Either this or onLost sees the other's write (both volatile): one of them tells, once.
      Consumer<String> handler = lostHandler;
      if (handler != null && lostReported.compareAndSet(false, true)) {
        handler.accept(reason);
      }
    }
  }

  /**
   * The local time of a line of history: {@code HH:mm} when it is from today in {@code zone}, else
   * the date as well.
   */
  static String localTime(long millis, ZoneId zone, long nowMillis) {
    ZonedDateTime at = Instant.ofEpochMilli(millis).atZone(zone);
    LocalDate today = Instant.ofEpochMilli(nowMillis).atZone(zone).toLocalDate();
    return at.format(at.toLocalDate().equals(today) ? TODAY : OTHER_DAY);
  }

  private static final DateTimeFormatter TODAY = DateTimeFormatter.ofPattern("HH:mm");
  private static final DateTimeFormatter OTHER_DAY =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

  private static String safe(String text) {
    return text == null ? "" : TerminalSafe.escape(text);
  }
}
