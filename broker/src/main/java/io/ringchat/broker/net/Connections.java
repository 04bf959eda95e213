package io.ringchat.broker.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.ringchat.broker.ring.RoomInbox;
import io.ringchat.broker.stats.BrokerCounters;
import io.ringchat.protocol.ErrorCode;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.agrona.concurrent.NanoClock;

/**
 * The broker's connections, across every listener: the {@code --max-clients} budget they share, the
 * budgets of their addresses, and per I/O event loop the table of their ids, their join deadlines
 * and their ring publisher. Built once by the broker; each listener gets its initializer from here,
 * so that a second listener counts against the same budget and is reached by the same shutdown.
 *
 * <p>Built and read by the thread that starts the broker; each loop's parts run on that loop.
 */
public final class Connections {
  private final ConnectionLimits limits;
  private final ConnectionLimit admission;
  private final AddressBudgets addresses;
  private final RoomInbox ring;
  private final BrokerCounters counters;
  private final NanoClock clock;
  private final IoLoop[] ioLoops;
  private final WebSocketUpgrade webSocketUpgrade;

  /**
   * @param ring where the connections' requests go; called on the I/O threads, never blocks
   * @param clock the time for join deadlines and rate limits ({@code SystemNanoClock} but in tests)
   */
  public Connections(
      EventLoop[] loops,
      RoomInbox ring,
      BrokerCounters counters,
      ConnectionLimits limits,
      NanoClock clock) {
    this.limits = limits;
    this.admission = new ConnectionLimit(limits.maxClients());
    this.addresses = new AddressBudgets(limits.perAddress(), clock);
    this.ring = ring;
    this.counters = counters;
    this.clock = clock;
    this.ioLoops = new IoLoop[loops.length];
    for (int i = 0; i < loops.length; i++) {
      ioLoops[i] = new IoLoop(this, i, loops[i]);
    }
    this.webSocketUpgrade = new WebSocketUpgrade(this);
  }

  /**
   * From now on each I/O loop wakes the ring's consumer once per loop iteration, after its reads,
   * instead of at each event (see {@code SpinThenParkWaitStrategy}). Called once the ring exists.
   */
  public void deferRingWakeups() {
    for (IoLoop ioLoop : ioLoops) {
      EventLoop loop = ioLoop.table().loop();
      loop.execute(() -> ring.deferWakeupsTo(loop));
    }
  }

  /**
   * A pipeline builder for the chat port; every listener's connections are counted here.
   *
   * @param tls the server's TLS context, or null for plain TCP
   */
  public ChatChannelInitializer initializer(SslContext tls) {
    return new ChatChannelInitializer(this, tls);
  }

  /**
   * A pipeline builder for the HTTP listener: its connections count against the same budget, and
   * those that upgrade to {@code /ws} (through {@link #webSocketUpgrade()}) become members.
   *
   * @param tls the server's TLS context, or null
   * @param router a new HTTP router per connection
   */
  public HttpChannelInitializer httpInitializer(SslContext tls, Supplier<ChannelHandler> router) {
    return new HttpChannelInitializer(this, tls, router);
  }

  /** What the HTTP router calls to make a {@code /ws} request a member. */
  public WebSocketUpgrade webSocketUpgrade() {
    return webSocketUpgrade;
  }

  /** Each loop's connection table, in loop order: where the room's writes find their channels. */
  public ConnectionTable[] tables() {
    ConnectionTable[] tables = new ConnectionTable[ioLoops.length];
    for (int i = 0; i < ioLoops.length; i++) {
      tables[i] = ioLoops[i].table();
    }
    return tables;
  }

  /** Loop {@code index} only: applies {@code action} to each of its open connections' channels. */
  public void forEachChannel(int index, Consumer<Channel> action) {
    ioLoops[index].table().forEach(connection -> action.accept(connection.channel()));
  }

  /** The loop state for a channel registered on {@code loop}. */
  IoLoop ioLoop(EventLoop loop) {
    for (IoLoop ioLoop : ioLoops) {
      if (ioLoop.table().loop() == loop) {
        return ioLoop;
      }
    }
    throw new IllegalStateException("channel registered on a foreign event loop: " + loop);
  }

  ConnectionLimits limits() {
    return limits;
  }

  /**
   * Takes the places a new connection needs, in either listener: one among its address's
   * connections ({@code --max-clients-per-address}), then one in {@code --max-clients}. Returns its
   * address's budget, both places held until {@link #release}. Refused, it holds neither: the
   * refusal is counted, {@code addressFull} or {@code serverFull} is added to its pipeline to say
   * which, and null is returned.
   */
  AddressBudget admit(Channel channel, ChannelHandler addressFull, ChannelHandler serverFull) {
    AddressBudget address = addresses.acquire(channel.remoteAddress());
    if (address == null) {
      counters.addressCapRefused();
      return refuse(channel, addressFull);
    }
    if (!admission.tryAcquire()) {
      addresses.release(address, channel.eventLoop());
      return refuse(channel, serverFull);
    }
    return address;
  }

  private AddressBudget refuse(Channel channel, ChannelHandler refusal) {
    counters.error(ErrorCode.SERVER_FULL);
    channel.pipeline().addLast(refusal);
    return null;
  }

  /** Gives back the places {@link #admit} took; {@code timers} may forget the address later. */
  void release(AddressBudget address, ScheduledExecutorService timers) {
    admission.release();
    addresses.release(address, timers);
  }

  AddressBudgets addresses() {
    return addresses;
  }

  RoomInbox ring() {
    return ring;
  }

  BrokerCounters counters() {
    return counters;
  }

  NanoClock clock() {
    return clock;
  }
}
