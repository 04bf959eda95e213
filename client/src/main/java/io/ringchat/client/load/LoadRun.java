package io.ringchat.client.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.ringchat.cli.KeepAlive;
import io.ringchat.cli.Transport;
import io.ringchat.client.BrokerAddress;
import io.ringchat.client.ConnectFailure;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * One load run: connect and join every client, warm up, measure, stop the senders, wait for the
 * deliveries to drain, and collect what every event loop saw. Runs on the calling thread; the
 * connections live on a few Netty event loops, never a thread per connection.
 */
// Writes use the void promise (a failure reaches the pipeline), and closes are fire-and-forget.
@SuppressWarnings("FutureReturnValueIgnored")
final class LoadRun {
  private static final KeepAlive KEEP_ALIVE = KeepAlive.after(Duration.ofSeconds(15));

  private final LoadOptions options;
  private final PrintWriter progress;
  private final Transport transport = Transport.best();

  LoadRun(LoadOptions options, PrintWriter progress) {
    this.options = options;
    this.progress = progress;
  }

  /**
   * Keepalive on every member's connection, so that a broker whose host vanished shows up as
   * dropped connections (counted, and the run is not clean) within half a minute, never a hang.
   */
  @SuppressWarnings("unchecked") // the transport pairs each option with a value of its type
  private void keepAlive(Bootstrap bootstrap) {
    transport
        .keepAliveOptions(KEEP_ALIVE)
        .forEach((option, value) -> bootstrap.option((ChannelOption<Object>) option, value));
  }

  LoadReport execute() throws Exception {
    MultiThreadIoEventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            options.threads,
            new DefaultThreadFactory("ringchat-load", true),
            transport.ioHandlerFactory());
    try {
      return execute(group, transport.socketChannel());
    } finally {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
    }
  }

  private LoadReport execute(MultiThreadIoEventLoopGroup group, Class<? extends SocketChannel> type)
      throws Exception {
    RunControl run =
        new RunControl(
            options.clients,
            options.senders,
            options.size,
            options.rate,
            options.window,
            options.target,
            options.resume,
            options.threads);
    IdentityHashMap<EventExecutor, LoopStats> statsByLoop = new IdentityHashMap<>();
    for (EventExecutor loop : group) {
      statsByLoop.put(loop, new LoopStats());
    }
    CountDownLatch joined = new CountDownLatch(options.clients);
    List<LoadConnection> connections = new ArrayList<>(options.clients);
    List<Channel> channels = new ArrayList<>(options.clients);

    // Members spread over the brokers of --host a,b:7879,c (brokers serving one room together).
    List<BrokerAddress> brokers = BrokerAddress.parseList(options.host, options.port, "--host");
    long connectStart = System.nanoTime();
    for (int i = 0; i < options.clients; i++) {
      BrokerAddress broker = brokers.get(i % brokers.size());
      EventLoop loop = group.next();
      int senderIndex = i < options.senders ? i : -1;
      LoadConnection[] member = new LoadConnection[1];
      Bootstrap bootstrap =
          new Bootstrap()
              .group(loop)
              .channel(type)
              .option(ChannelOption.TCP_NODELAY, true)
              .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
              .handler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      if (options.target == Target.WEBSOCKET) {
                        WebSocketLoadFraming.addTo(ch.pipeline(), broker.host(), broker.port());
                      }
                      ch.pipeline().addLast(member[0].newHandler());
                    }
                  });
      keepAlive(bootstrap);
      InetSocketAddress source =
          options.sourceAddresses > 1 ? new InetSocketAddress(sourceAddress(i), 0) : null;
      Supplier<ChannelFuture> connector =
          () ->
              source != null
                  ? bootstrap.connect(new InetSocketAddress(broker.host(), broker.port()), source)
                  : bootstrap.connect(broker.host(), broker.port());
      LoadConnection connection =
          new LoadConnection(
              run, i, senderIndex, statsByLoop.get(loop), joined, options.prefix + i, connector);
      member[0] = connection;
      connections.add(connection);
      ChannelFuture connect = connector.get();
      // Wait for each connect, so that a burst of SYNs does not overflow the listen backlog.
      if (!connect.await(30, TimeUnit.SECONDS) || !connect.isSuccess()) {
        throw new IllegalStateException(
            "cannot connect to "
                + broker
                + ": "
                + whyNot(connect)
                + (i == 0 ? "" : " (after " + i + " clients connected)"));
      }
      Channel channel = connect.channel();
      channels.add(channel);
      channel.eventLoop().execute(connection::sendJoin);
    }
    if (!joined.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException(
          (options.clients - joined.getCount()) + " of " + options.clients + " clients joined");
    }
    if (options.target.separatePublisher()) {
      connectPublishers(connections, type, channels);
    }
    long connectMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connectStart);
    if (options.dropEverySeconds > 0) {
      // Each member drops on the same period, the members spread evenly over it.
      long period = (long) (options.dropEverySeconds * 1e9);
      for (int i = 0; i < connections.size(); i++) {
        LoadConnection c = connections.get(i);
        long first = period + period * i / connections.size();
        c.loop().execute(() -> c.dropEvery(first, period));
      }
    }
    progress.printf("load: %d clients joined in %d ms%n", options.clients, connectMillis);
    progress.flush();

    List<ScheduledFuture<?>> tickers = new ArrayList<>();
    List<RateTicker> rateTickers = new ArrayList<>();
    double primeSeconds = 0;
    if (run.fixedRate()) {
      primeSeconds = Math.min(options.primeSeconds, options.warmupSeconds / 2);
      if (primeSeconds > 0) {
        run.phase = RunControl.PRIME;
        List<ScheduledFuture<?>> pumps = startWindowPumps(group, connections);
        sleepReporting("priming", primeSeconds, statsByLoop);
        run.phase = RunControl.WARMUP;
        for (ScheduledFuture<?> pump : pumps) {
          pump.cancel(false);
        }
        onEachLoop(connections, LoadConnection::startRate);
      }
      run.rateStartNanos = System.nanoTime();
      IdentityHashMap<EventExecutor, List<LoadConnection>> sendersByLoop = new IdentityHashMap<>();
      for (LoadConnection c : connections) {
        if (c.senderIndex() >= 0) {
          sendersByLoop.computeIfAbsent(c.loop(), l -> new ArrayList<>()).add(c);
        }
      }
      for (Map.Entry<EventExecutor, List<LoadConnection>> e : sendersByLoop.entrySet()) {
        RateTicker ticker = new RateTicker(e.getKey(), e.getValue());
        rateTickers.add(ticker);
        e.getKey().execute(ticker);
      }
    } else {
      tickers.addAll(startWindowPumps(group, connections));
    }

    sleepReporting("warm-up", options.warmupSeconds - primeSeconds, statsByLoop);
    onEachLoop(connections, LoadConnection::startMeasuring);
    run.phase = RunControl.MEASURE;
    long measureStart = System.nanoTime();
    long cpuStart = ownCpuNanos();
    sleepReporting("measure", options.durationSeconds, statsByLoop);
    AtomicLong sent = new AtomicLong();
    onEachLoop(connections, c -> sent.addAndGet(c.stop()));
    long measureNanos = System.nanoTime() - measureStart;
    double cpuPercent = 100.0 * (ownCpuNanos() - cpuStart) / measureNanos;
    double seconds = measureNanos / 1e9;
    run.phase = RunControl.STOPPED;
    for (ScheduledFuture<?> ticker : tickers) {
      ticker.cancel(false);
    }
    for (RateTicker ticker : rateTickers) {
      ticker.cancel();
    }

    long expected = sent.get() * (options.clients - 1L);
    // Drain: wait until everything expected has arrived, or nothing moves for two seconds.
    long lastDelivered = -1;
    long quietSince = System.nanoTime();
    while (true) {
      long delivered = measuredDelivered(statsByLoop);
      if (delivered >= expected) {
        break;
      }
      if (delivered != lastDelivered) {
        lastDelivered = delivered;
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(2)) {
        break;
      }
      Thread.sleep(50);
    }
    LoopStats total = collect(statsByLoop);
    run.closing = true;
    for (Channel channel : channels) {
      channel.close();
    }
    return new LoadReport(
        options.clients,
        options.senders,
        options.size,
        seconds,
        sent.get(),
        total.measuredDelivered,
        expected,
        Math.max(0, expected - total.measuredDelivered),
        total.outOfOrder,
        total.selfDeliveries,
        total.echoes,
        total.dropped,
        total.resumed,
        total.gapsReported,
        total.duplicated,
        total.skipped,
        connectMillis,
        cpuPercent,
        total.latencyMicros,
        total.sendLagMicros);
  }

  /**
   * Window mode's senders: each loop tops up its senders' windows every millisecond. Observers on
   * the sender's own loop wake it at once; the tick covers the others.
   */
  private static List<ScheduledFuture<?>> startWindowPumps(
      MultiThreadIoEventLoopGroup group, List<LoadConnection> connections) {
    List<ScheduledFuture<?>> pumps = new ArrayList<>();
    for (EventExecutor loop : group) {
      List<LoadConnection> senders = new ArrayList<>();
      for (LoadConnection c : connections) {
        if (c.senderIndex() >= 0 && c.loop() == loop) {
          senders.add(c);
        }
      }
      pumps.add(
          loop.scheduleAtFixedRate(
              () -> senders.forEach(LoadConnection::pumpWindow), 0, 1, TimeUnit.MILLISECONDS));
    }
    return pumps;
  }

  /** This process's CPU time so far (every thread), to report the generator's own share. */
  private static long ownCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * On Redis a subscribed connection cannot publish: each sender gets a second connection, on its
   * member's event loop, whose replies (subscriber counts) are read and dropped.
   */
  private void connectPublishers(
      List<LoadConnection> connections, Class<? extends SocketChannel> type, List<Channel> channels)
      throws Exception {
    for (LoadConnection connection : connections) {
      if (connection.senderIndex() < 0) {
        continue;
      }
      ChannelFuture connect =
          new Bootstrap()
              .group(connection.loop())
              .channel(type)
              .option(ChannelOption.TCP_NODELAY, true)
              .handler(new DiscardInbound())
              .connect(options.host, options.port);
      if (!connect.await(30, TimeUnit.SECONDS) || !connect.isSuccess()) {
        throw new IllegalStateException(
            "cannot connect a publisher to "
                + options.host
                + ":"
                + options.port
                + ": "
                + whyNot(connect));
      }
      Channel channel = connect.channel();
      channels.add(channel);
      connection.loop().submit(() -> connection.publishOn(channel)).get(30, TimeUnit.SECONDS);
    }
  }

  /** Why a connect that did not succeed failed: no cause means it did not finish in time. */
  private static String whyNot(ChannelFuture connect) {
    return connect.cause() == null ? "timed out" : ConnectFailure.describe(connect.cause());
  }

  /** Reads and drops whatever arrives (a Redis publisher's replies). */
  private static final class DiscardInbound extends io.netty.channel.ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
      io.netty.util.ReferenceCountUtil.release(msg);
    }
  }

  /**
   * Fixed-rate mode, one per event loop: sends what its senders have due, then sleeps until the
   * next message is due (a timer to the nanosecond, not a fixed tick, so that the generator adds no
   * tick of delay to what it measures).
   */
  private static final class RateTicker implements Runnable {
    private final EventExecutor loop;
    private final List<LoadConnection> senders;
    private volatile boolean cancelled;

    RateTicker(EventExecutor loop, List<LoadConnection> senders) {
      this.loop = loop;
      this.senders = senders;
    }

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // cancelled through the flag
    public void run() {
      if (cancelled) {
        return;
      }
      long next = Long.MAX_VALUE;
      long now = System.nanoTime();
      for (LoadConnection c : senders) {
        next = Math.min(next, c.sendDue(now));
      }
      if (next != Long.MAX_VALUE) {
        loop.schedule(this, Math.max(0, next - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    }

    void cancel() {
      cancelled = true;
    }
  }

  private String sourceAddress(int client) {
    int n = client % options.sourceAddresses;
    return "127.0." + (n / 250) + "." + (1 + n % 250);
  }

  /** Runs {@code action} for every connection on its own event loop, and waits for all. */
  private static void onEachLoop(
      List<LoadConnection> connections, java.util.function.Consumer<LoadConnection> action)
      throws Exception {
    List<io.netty.util.concurrent.Future<?>> done = new ArrayList<>();
    for (LoadConnection c : connections) {
      done.add(c.loop().submit(() -> action.accept(c)));
    }
    for (io.netty.util.concurrent.Future<?> f : done) {
      f.get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Deliveries so far, each loop's count read on its loop: cheap enough to ask every second while
   * measuring, unlike {@link #collect}, which adds up every loop's histograms on the loops.
   */
  private static long delivered(IdentityHashMap<EventExecutor, LoopStats> statsByLoop)
      throws Exception {
    return sum(statsByLoop, s -> s.delivered);
  }

  /** Measured deliveries so far, read the same way. */
  private static long measuredDelivered(IdentityHashMap<EventExecutor, LoopStats> statsByLoop)
      throws Exception {
    return sum(statsByLoop, s -> s.measuredDelivered);
  }

  private static long sum(
      IdentityHashMap<EventExecutor, LoopStats> statsByLoop, ToLongFunction<LoopStats> counter)
      throws Exception {
    long total = 0;
    for (Map.Entry<EventExecutor, LoopStats> e : statsByLoop.entrySet()) {
      total += e.getKey().submit(() -> counter.applyAsLong(e.getValue())).get(30, TimeUnit.SECONDS);
    }
    return total;
  }

  /** Sums every loop's stats, each read on its own loop. */
  private static LoopStats collect(IdentityHashMap<EventExecutor, LoopStats> statsByLoop)
      throws Exception {
    LoopStats total = new LoopStats();
    for (Map.Entry<EventExecutor, LoopStats> e : statsByLoop.entrySet()) {
      e.getKey()
          .submit(
              () -> {
                LoopStats s = e.getValue();
                synchronized (total) {
                  total.delivered += s.delivered;
                  total.measuredDelivered += s.measuredDelivered;
                  total.outOfOrder += s.outOfOrder;
                  total.selfDeliveries += s.selfDeliveries;
                  total.echoes += s.echoes;
                  total.dropped += s.dropped;
                  total.resumed += s.resumed;
                  total.gapsReported += s.gapsReported;
                  total.duplicated += s.duplicated;
                  total.skipped += s.skipped;
                  total.latencyMicros.add(s.latencyMicros);
                  total.sendLagMicros.add(s.sendLagMicros);
                }
              })
          .get(30, TimeUnit.SECONDS);
    }
    return total;
  }

  private void sleepReporting(
      String phase, double seconds, IdentityHashMap<EventExecutor, LoopStats> statsByLoop)
      throws Exception {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    long previous = delivered(statsByLoop);
    while (System.nanoTime() < end) {
      long step = Math.min(1_000_000_000L, end - System.nanoTime());
      if (step <= 0) {
        break;
      }
      Thread.sleep(step / 1_000_000, (int) (step % 1_000_000));
      long delivered = delivered(statsByLoop);
      // Every phase shows progress, warm-up included, at most once a second.
      progress.printf(
          Locale.ROOT, "load: %s %,.0f deliveries/s%n", phase, (delivered - previous) * 1e9 / step);
      progress.flush();
      previous = delivered;
    }
  }
}
