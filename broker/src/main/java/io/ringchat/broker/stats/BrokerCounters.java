package io.ringchat.broker.stats;

import io.ringchat.protocol.ErrorCode;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The broker's counters: counted on the hot path instead of logged, read by the stats printer.
 *
 * <p>Counters bumped by many I/O threads are {@link LongAdder}s. Counters bumped by the room thread
 * alone are single-writer: a plain read and an ordered write ({@code lazySet}), which costs no
 * atomic instruction, while a reader on another thread still sees a recent value.
 */
public final class BrokerCounters {
  /** Where a connection came in: the chat port, or a WebSocket on the HTTP port. */
  public enum Listener {
    TCP,
    WEBSOCKET;

    /** The label value in metrics. */
    public String label() {
      return this == TCP ? "tcp" : "websocket";
    }
  }

  /** Which flood-control rate a line went over. */
  public enum Throttle {
    /** {@code --max-rate}: lines per second of one connection. */
    CONNECTION_LINES("connection_lines"),
    /** {@code --max-address-rate}: bytes per second from one address. */
    ADDRESS_BYTES("address_bytes"),
    /** {@code --max-joins-per-address}: joins per second from one address. */
    ADDRESS_JOINS("address_joins");

    private final String label;

    Throttle(String label) {
      this.label = label;
    }

    /** The label value in metrics. */
    public String label() {
      return label;
    }
  }

  // Many writers: I/O threads.
  private final Map<Listener, LongAdder> connectionsOpen = adders();
  private final Map<Listener, LongAdder> connectionsTotal = adders();
  private final LongAdder framesIn = new LongAdder();
  private final LongAdder ringFullPauses = new LongAdder();
  private final Map<ErrorCode, LongAdder> errors = new EnumMap<>(ErrorCode.class);
  private final LongAdder httpRefused = new LongAdder();
  private final LongAdder joinTimeouts = new LongAdder();
  private final LongAdder acceptErrors = new LongAdder();
  private final LongAdder rateLimitPauses = new LongAdder();
  private final Map<Throttle, LongAdder> throttledLines = new EnumMap<>(Throttle.class);
  private final LongAdder addressCapRefusals = new LongAdder();
  private final LongAdder deadPeers = new LongAdder();

  // One writer: the room thread.
  private final AtomicLong members = new AtomicLong();
  private final AtomicLong deliveries = new AtomicLong();
  private final AtomicLong slowConsumers = new AtomicLong();
  private final AtomicLong roomExceptions = new AtomicLong();
  private final AtomicLong historyMessages = new AtomicLong();
  private final AtomicLong historyBytes = new AtomicLong();
  private final AtomicLong replays = new AtomicLong();
  private final AtomicLong replayedLines = new AtomicLong();
  private final AtomicLong gaps = new AtomicLong();

  public BrokerCounters() {
    // Filled once, then only read: the map itself needs no synchronisation.
    for (ErrorCode code : ErrorCode.values()) {
      errors.put(code, new LongAdder());
    }
    for (Throttle throttle : Throttle.values()) {
      throttledLines.put(throttle, new LongAdder());
    }
  }

  private static Map<Listener, LongAdder> adders() {
    Map<Listener, LongAdder> adders = new EnumMap<>(Listener.class);
    for (Listener listener : Listener.values()) {
      adders.put(listener, new LongAdder());
    }
    return adders;
  }

  /** A connection became a chat connection (for a WebSocket: once upgraded). */
  public void connectionOpened(Listener listener) {
    connectionsOpen.get(listener).increment();
    connectionsTotal.get(listener).increment();
  }

  public void connectionClosed(Listener listener) {
    connectionsOpen.get(listener).decrement();
  }

  public long connectionsOpen(Listener listener) {
    return connectionsOpen.get(listener).sum();
  }

  public long connectionsTotal(Listener listener) {
    return connectionsTotal.get(listener).sum();
  }

  public void frameIn() {
    framesIn.increment();
  }

  public void ringFullPause() {
    ringFullPauses.increment();
  }

  /** Any thread: an {@code ERR} with {@code code} was sent. */
  public void error(ErrorCode code) {
    errors.get(code).increment();
  }

  /** A connection's first line was an HTTP request; it was answered and closed. */
  public void httpRequestRefused() {
    httpRefused.increment();
  }

  public long httpRequestsRefused() {
    return httpRefused.sum();
  }

  /** A connection did not join within --join-timeout and was closed. */
  public void joinTimeout() {
    joinTimeouts.increment();
  }

  public long joinTimeouts() {
    return joinTimeouts.sum();
  }

  /** A connection failed because its peer stopped answering (keepalive or unacknowledged data). */
  public void deadPeerRemoved() {
    deadPeers.increment();
  }

  public long deadPeers() {
    return deadPeers.sum();
  }

  /** A connection went over a flood-control rate and stopped being read for a while. */
  public void rateLimitPause() {
    rateLimitPauses.increment();
  }

  public long rateLimitPauses() {
    return rateLimitPauses.sum();
  }

  /**
   * A connection's next line found {@code throttle} over its burst and waits: once per pause, so a
   * line that waits through several pauses counts in each.
   */
  public void throttledLine(Throttle throttle) {
    throttledLines.get(throttle).increment();
  }

  public long throttledLines(Throttle throttle) {
    return throttledLines.get(throttle).sum();
  }

  /** A connection was refused for its address being at --max-clients-per-address. */
  public void addressCapRefused() {
    addressCapRefusals.increment();
  }

  public long addressCapRefusals() {
    return addressCapRefusals.sum();
  }

  /** Accept failed (EMFILE and the like). */
  public void acceptError() {
    acceptErrors.increment();
  }

  /** Room thread only. */
  public void members(int count) {
    members.lazySet(count);
  }

  /** Room thread only. */
  public void delivered(long count) {
    deliveries.lazySet(deliveries.get() + count);
  }

  /** Room thread: the history now keeps {@code messages} lines of {@code bytes} bytes. */
  public void history(int messages, long bytes) {
    historyMessages.lazySet(messages);
    historyBytes.lazySet(bytes);
  }

  /** Room thread: a positioned join was sent a replay of {@code lines} kept lines (1 or more). */
  public void replayed(int lines) {
    replays.lazySet(replays.get() + 1);
    replayedLines.lazySet(replayedLines.get() + lines);
  }

  /**
   * Room thread: a positioned join was told {@code GAP} (missed lines no longer kept, or unknown).
   */
  public void gap() {
    gaps.lazySet(gaps.get() + 1);
  }

  public long historyMessages() {
    return historyMessages.get();
  }

  public long historyBytes() {
    return historyBytes.get();
  }

  public long replays() {
    return replays.get();
  }

  public long replayedLines() {
    return replayedLines.get();
  }

  public long gaps() {
    return gaps.get();
  }

  /** Room thread only. */
  public void slowConsumerRemoved() {
    slowConsumers.lazySet(slowConsumers.get() + 1);
  }

  /** Room thread only. */
  public void roomException() {
    roomExceptions.lazySet(roomExceptions.get() + 1);
  }

  /** Chat connections open now, over every listener. */
  public long connectionsOpen() {
    return connectionsOpen(Listener.TCP) + connectionsOpen(Listener.WEBSOCKET);
  }

  public long framesIn() {
    return framesIn.sum();
  }

  public long deliveries() {
    return deliveries.get();
  }

  public long acceptErrors() {
    return acceptErrors.sum();
  }

  public long members() {
    return members.get();
  }

  public long ringFullPauses() {
    return ringFullPauses.sum();
  }

  public long slowConsumers() {
    return slowConsumers.get();
  }

  public long roomExceptions() {
    return roomExceptions.get();
  }

  public long errors(ErrorCode code) {
    return errors.get(code).sum();
  }

  /** One line with every counter, for the periodic and the final stats. */
  public String line() {
    StringBuilder sb = new StringBuilder(256);
    sb.append("connections=").append(connectionsOpen());
    sb.append(" websockets=").append(connectionsOpen(Listener.WEBSOCKET));
    sb.append(" connections_total=")
        .append(connectionsTotal(Listener.TCP) + connectionsTotal(Listener.WEBSOCKET));
    sb.append(" members=").append(members.get());
    sb.append(" frames_in=").append(framesIn.sum());
    sb.append(" deliveries=").append(deliveries.get());
    sb.append(" slow_consumers=").append(slowConsumers.get());
    sb.append(" dead_peers=").append(deadPeers.sum());
    sb.append(" ring_full_pauses=").append(ringFullPauses.sum());
    sb.append(" rate_limit_pauses=").append(rateLimitPauses.sum());
    for (Throttle throttle : Throttle.values()) {
      sb.append(" throttled_").append(throttle.label()).append('=');
      sb.append(throttledLines.get(throttle).sum());
    }
    sb.append(" address_cap_refusals=").append(addressCapRefusals.sum());
    sb.append(" join_timeouts=").append(joinTimeouts.sum());
    sb.append(" http_refused=").append(httpRefused.sum());
    sb.append(" accept_errors=").append(acceptErrors.sum());
    sb.append(" room_exceptions=").append(roomExceptions.get());
    sb.append(" errors={");
    boolean first = true;
    for (ErrorCode code : ErrorCode.values()) {
      long n = errors.get(code).sum();
      if (n != 0) {
        sb.append(first ? "" : ",").append(code.wireName()).append('=').append(n);
        first = false;
      }
    }
    return sb.append('}').toString();
  }
}
