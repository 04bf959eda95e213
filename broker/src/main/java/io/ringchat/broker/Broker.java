package io.ringchat.broker;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.ringchat.broker.cluster.ClusterContext;
import io.ringchat.broker.cluster.ClusterLink;
import io.ringchat.broker.cluster.ClusterMembers;
import io.ringchat.broker.cluster.ClusterNode;
import io.ringchat.broker.cluster.ClusterWaitStrategy;
import io.ringchat.broker.cluster.LogRetention;
import io.ringchat.broker.cluster.RoomService;
import io.ringchat.broker.net.AcceptErrorLogger;
import io.ringchat.broker.net.Connections;
import io.ringchat.broker.net.EventLoopOutbound;
import io.ringchat.broker.net.HttpChannelInitializer;
import io.ringchat.broker.net.LoopReadBuffers;
import io.ringchat.broker.ring.EventKind;
import io.ringchat.broker.ring.InboundRing;
import io.ringchat.broker.ring.RingConsumer;
import io.ringchat.broker.ring.RoomConsumer;
import io.ringchat.broker.ring.RoomInbox;
import io.ringchat.broker.ring.RoomObserver;
import io.ringchat.broker.room.Room;
import io.ringchat.broker.stats.BrokerCounters;
import io.ringchat.broker.stats.BrokerMetrics;
import io.ringchat.broker.stats.ClusterStatus;
import io.ringchat.broker.web.HttpRouter;
import io.ringchat.broker.web.MetricsEndpoint;
import io.ringchat.cli.KeepAlive;
import io.ringchat.cli.Transport;
import io.ringchat.protocol.Farewell;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.agrona.concurrent.SystemNanoClock;

/**
 * A running broker: wires the I/O threads, the ring and the room together, and stops them in order.
 * {@link #start} and {@link #stop} are called by the thread that owns the broker (main, the
 * shutdown hook, or a test).
 *
 * <pre>
 * socket ─► I/O thread: ConnectionHandler (frame, classify) ─tryPublish─► ring ─► room thread:
 *                                                                   RoomConsumer ─► Room (ids)
 *                                                                                      │
 * socket ◄── I/O thread: WriteBatch (id ─► connection; one task per loop while busy) ◄──┘
 * </pre>
 */
public final class Broker {
  /**
   * One read buffer size for every connection, and one read handle per event loop: Netty's default
   * gives each connection its own adaptive sizer, and even a fixed size its own handle (together
   * about 150 bytes more per connection, and most members are idle). 4 KiB holds a full line and
   * dozens of chat messages per read.
   */
  private static final LoopReadBuffers READ_BUFFERS = new LoopReadBuffers(4096);

  private final BrokerConfig config;
  private final BrokerCounters counters = new BrokerCounters();
  private final Transport transport;
  private final MultiThreadIoEventLoopGroup acceptor;
  private final MultiThreadIoEventLoopGroup io;
  private final EventLoop[] loops;
  private final Connections connections;
  private final InboundRing ring;
  private final RingConsumer consumer;

  /** This process's cluster member, or null (a single broker, or a front-end only). */
  private final ClusterNode node;

  /** The link to the clustered room, or null for a single broker. */
  private final ClusterLink link;

  /** What the cluster shows operators, or null for a single broker. */
  private final ClusterStatus clusterStatus;

  private final Channel server;

  /** The HTTP listener, or null with --no-http. */
  private final Channel httpServer;

  private final MetricsEndpoint metrics;

  /** Set when stop() begins: /healthz answers 503 and no new WebSocket is accepted. */
  private volatile boolean stopping;

  private boolean stopped;

  private Broker(BrokerConfig config, Transport transport, RoomObserver observer)
      throws InterruptedException {
    this.config = config;
    this.transport = transport;
    this.acceptor =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("ringchat-accept", true), transport.ioHandlerFactory());
    this.io =
        new MultiThreadIoEventLoopGroup(
            config.ioThreads(),
            new DefaultThreadFactory("ringchat-io", true),
            transport.ioHandlerFactory());
    this.loops = loops(io);
    // Built before the ring, which needs the room's consumer and so comes last: the connections
    // publish through this forwarding inbox, which reads the ring field only once they run.
    this.connections =
        new Connections(
            loops,
            new RoomInbox() {
              @Override
              public boolean tryPublish(EventKind kind, long connection, Object detail) {
                return ring.tryPublish(kind, connection, detail);
              }

              @Override
              public void deferWakeupsTo(Executor loop) {
                ring.deferWakeupsTo(loop);
              }
            },
            counters,
            config.connectionLimits(),
            SystemNanoClock.INSTANCE);
    EventLoopOutbound outbound = new EventLoopOutbound(connections.tables(), this::wakeRoom);
    ClusterMembers cluster = config.cluster();
    if (cluster == null) {
      Room room =
          new Room(
              ByteBufAllocator.DEFAULT,
              outbound,
              counters,
              config.presenceLimit(),
              config.maxLineBytes(),
              Room.MAX_SEGMENT_BYTES,
              config.history());
      this.node = null;
      this.link = null;
      this.clusterStatus = null;
      RoomConsumer roomConsumer = new RoomConsumer(room, observer);
      this.consumer = roomConsumer;
      this.ring = new InboundRing(config.ringSize(), config.waitStrategy(), roomConsumer, counters);
    } else {
      // The room runs in the cluster; this broker forwards its connections' requests to it.
      int id = config.clusterId();
      ClusterContext ctx = config.clusterContext();
      LogRetention retention = id < 0 ? null : new LogRetention(id);
      this.clusterStatus = new ClusterStatus(id >= 0);
      this.node =
          id < 0
              ? null
              : ClusterNode.start(
                  ctx,
                  cluster,
                  id,
                  config.clusterDir(),
                  () ->
                      new RoomService(
                          ctx,
                          counters,
                          clusterStatus,
                          config.presenceLimit(),
                          config.maxLineBytes(),
                          cluster.size(),
                          retention,
                          config.history()),
                  retention,
                  clusterStatus,
                  System.out);
      ClusterWaitStrategy wait = new ClusterWaitStrategy(ctx);
      try {
        this.link =
            ClusterLink.connect(
                ctx,
                cluster,
                node == null ? null : node.aeronDir(),
                id >= 0 ? cluster.host(id) : egressHost(config.bind()),
                outbound,
                wait,
                counters,
                clusterStatus,
                retention,
                config.history());
      } catch (RuntimeException e) {
        if (node != null) {
          node.close();
        }
        throw e;
      }
      this.consumer = link;
      this.ring = new InboundRing(config.ringSize(), wait, link, counters);
    }
    ring.start();
    connections.deferRingWakeups();
    this.metrics =
        config.httpEnabled()
            ? new MetricsEndpoint(new BrokerMetrics(counters, clusterStatus).registry())
            : null;
    Channel chat = null;
    try {
      chat = bind(config.port(), connections.initializer(config.tls()));
      this.server = chat;
      this.httpServer = config.httpEnabled() ? bind(config.httpPort(), httpInitializer()) : null;
    } catch (InterruptedException | RuntimeException e) {
      if (chat != null) {
        chat.close().awaitUninterruptibly(1_000);
      }
      if (metrics != null) {
        metrics.close();
      }
      ring.halt();
      closeCluster();
      acceptor.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(1_000);
      io.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(1_000);
      throw e;
    }
  }

  /** Where the cluster sends a front-end's egress: its --bind address, or loopback for any. */
  private static String egressHost(String bind) {
    return bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind;
  }

  /**
   * An I/O loop that took its batch wakes the room to hand over what it held back. If the ring is
   * full the room is busy and reaches the end of a batch soon anyway, so a failed publish loses
   * nothing.
   */
  private void wakeRoom() {
    ring.tryPublish(EventKind.WAKE, 0, null);
  }

  /** Starts a broker on the best transport; returns once it listens. */
  public static Broker start(BrokerConfig config) throws InterruptedException {
    return start(config, Transport.best(), RoomObserver.NONE);
  }

  /** Starts a broker with a hook into the room thread (tests). */
  public static Broker start(BrokerConfig config, Transport transport, RoomObserver observer)
      throws InterruptedException {
    return new Broker(config, transport, observer);
  }

  private HttpChannelInitializer httpInitializer() {
    HttpRouter router =
        new HttpRouter(
            connections.webSocketUpgrade(),
            config.allowedOrigins(),
            config.metricsAllowed(),
            metrics,
            () -> stopping,
            this::unhealthy,
            config.tls() != null);
    return connections.httpInitializer(config.tls(), () -> router);
  }

  private Channel bind(int port, ChannelHandler initializer) throws InterruptedException {
    int maxPending = config.maxPendingBytes();
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(acceptor, io)
            .channel(transport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 4096)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.RECVBUF_ALLOCATOR, READ_BUFFERS)
            .childOption(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(maxPending / 2, maxPending))
            .childHandler(initializer);
    KeepAlive keepAlive = config.keepAlive();
    if (keepAlive != null) {
      transport
          .keepAliveOptions(keepAlive)
          .forEach((option, value) -> set(bootstrap, option, value));
    }
    ChannelFuture bound = bootstrap.bind(config.bind(), port).await();
    if (!bound.isSuccess()) {
      throw new BindFailedException(config.bind(), port, bound.cause());
    }
    // Last in the listening pipeline, behind Netty's acceptor, which forwards accept failures.
    bound.channel().pipeline().addLast(new AcceptErrorLogger(counters));
    return bound.channel();
  }

  @SuppressWarnings("unchecked") // the transport pairs each option with a value of its type
  private static void set(ServerBootstrap bootstrap, ChannelOption<?> option, Object value) {
    bootstrap.childOption((ChannelOption<Object>) option, value);
  }

  private static EventLoop[] loops(MultiThreadIoEventLoopGroup group) {
    List<EventLoop> loops = new ArrayList<>();
    for (EventExecutor executor : group) {
      loops.add((EventLoop) executor);
    }
    return loops.toArray(new EventLoop[0]);
  }

  /** The address the broker listens on (with the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  /** The HTTP listener's address (with the real port when 0 was asked for); null with --no-http. */
  public InetSocketAddress httpAddress() {
    return httpServer == null ? null : (InetSocketAddress) httpServer.localAddress();
  }

  /**
   * Why the broker cannot serve its members now ({@code /healthz} answers 503 with it), or null: it
   * is stopping, or, in a cluster, it has no leader or no session.
   */
  public String unhealthy() {
    if (stopping) {
      return "shutting down";
    }
    return clusterStatus == null ? null : clusterStatus.unhealthy();
  }

  /**
   * Its role: {@code single}, or in a cluster {@code leader}, {@code follower}, {@code front-end}.
   */
  public String role() {
    if (clusterStatus == null) {
      return "single";
    }
    ClusterStatus.Role role = clusterStatus.role();
    // A candidate does not lead: to scripts it is one of the followers.
    return role == ClusterStatus.Role.CANDIDATE ? "follower" : role.label();
  }

  /** This process's cluster member, or null (a single broker, or a front-end). */
  public ClusterNode clusterNode() {
    return node;
  }

  /** {@code listener} runs on another thread after each change of the member's role. */
  public void onRoleChange(Runnable listener) {
    if (node != null) {
      node.onRoleChange(listener);
    }
  }

  public String transportName() {
    return transport.name();
  }

  public BrokerConfig config() {
    return config;
  }

  public BrokerCounters counters() {
    return counters;
  }

  /**
   * Stops gracefully within {@code config.shutdownTimeout()}: stop accepting, stop reading, let the
   * room drain the ring, send {@code ERR shutting_down} to every connection, flush, close. Returns
   * whether everything finished in time. Safe to call more than once.
   */
  @SuppressWarnings("FutureReturnValueIgnored") // onEachLoop collects the close futures
  public synchronized boolean stop() throws InterruptedException {
    if (stopped) {
      return true;
    }
    stopped = true;
    stopping = true;
    long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
    // The HTTP listener stays open until the end, so that /healthz says 503 while members drain.
    boolean clean = server.close().await(remainingMillis(deadline));
    // Stop reading everywhere; each loop's task also finishes the read it is in first, so
    // everything already read is in the ring before the shutdown event.
    onEachLoop(channel -> channel.config().setAutoRead(false), deadline);
    clean &= publishShutdown(deadline) && consumer.awaitStopped(remainingMillis(deadline));
    // Queued on each loop behind the room's last write batch: ERR shutting_down comes last.
    List<ChannelFuture> closing =
        onEachLoop(
            channel ->
                channel
                    .writeAndFlush(Farewell.SHUTTING_DOWN.encode(channel.alloc()))
                    .addListener(ChannelFutureListener.CLOSE),
            deadline);
    for (ChannelFuture future : closing) {
      clean &= future.await(remainingMillis(deadline));
    }
    onEachLoop(Channel::close, deadline);
    if (httpServer != null) {
      clean &= httpServer.close().await(remainingMillis(deadline));
      metrics.close();
    }
    ring.halt();
    closeCluster();
    Future<?> a = acceptor.shutdownGracefully(0, remainingMillis(deadline), TimeUnit.MILLISECONDS);
    Future<?> b = io.shutdownGracefully(0, remainingMillis(deadline), TimeUnit.MILLISECONDS);
    clean &= a.await(remainingMillis(deadline));
    clean &= b.await(remainingMillis(deadline));
    return clean;
  }

  /**
   * Runs {@code action} on every open connection, on its own event loop, and waits (until the
   * deadline) for every loop to have done so. Returns the connections' close futures.
   */
  private List<ChannelFuture> onEachLoop(Consumer<Channel> action, long deadline)
      throws InterruptedException {
    List<Future<List<ChannelFuture>>> done = new ArrayList<>();
    for (int i = 0; i < loops.length; i++) {
      int loop = i;
      done.add(
          loops[i].submit(
              () -> {
                List<ChannelFuture> closes = new ArrayList<>();
                connections.forEachChannel(
                    loop,
                    channel -> {
                      action.accept(channel);
                      closes.add(channel.closeFuture());
                    });
                return closes;
              }));
    }
    List<ChannelFuture> closes = new ArrayList<>();
    for (Future<List<ChannelFuture>> f : done) {
      if (f.await(remainingMillis(deadline)) && f.isSuccess()) {
        closes.addAll(f.getNow());
      }
    }
    return closes;
  }

  private void closeCluster() {
    long session = link == null ? -1 : link.sessionId();
    if (link != null) {
      link.close();
    }
    if (node != null) {
      // This broker's session close (its members leave the room) is applied before a leading
      // member hands over, so that the next leader does not inherit the session.
      node.close(() -> session < 0 || !clusterStatus.hasEgress(session));
    }
  }

  /** The shutdown thread may wait; it retries the non-blocking publish until the deadline. */
  private boolean publishShutdown(long deadline) {
    while (!ring.tryPublish(EventKind.SHUTDOWN, 0, null)) {
      if (deadline - System.nanoTime() < 0) {
        return false;
      }
      LockSupport.parkNanos(100_000);
    }
    return true;
  }

  private static long remainingMillis(long deadline) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
  }
}
