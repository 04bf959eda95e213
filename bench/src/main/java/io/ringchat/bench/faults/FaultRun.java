package io.ringchat.bench.faults;

import io.ringchat.broker.BrokerConfig;
import io.ringchat.broker.cluster.ClusterNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One fault-schedule run: three member processes forming one room, clients on every broker (each
 * broker's senders sending at a fixed rate, its readers reading), a {@link Nemesis} carrying out a
 * {@link Schedule}, and at the end the {@link HistoryChecker}'s verdict on what every client saw.
 *
 * <pre>
 *   ticker (fixed rate) ──► senders ─┐                  ┌─► readers (every broker)
 *                                    ├─► member 0 ◄─┐   │
 *   nemesis ── kill / stop / pause ──┤   member 1 ◄─┼───┤   one room (Aeron Cluster)
 *            cut, heal, restart      └─► member 2 ◄─┘   │
 *   liveness probe after each heal ─────────────────────┘
 * </pre>
 *
 * <p>The caller's thread runs the schedule; each client connection reads on a thread of its own.
 */
final class FaultRun {
  /** Whether members are cut off: only where namespaces can be made, always, or never. */
  enum Partitions {
    AUTO,
    ON,
    OFF
  }

  /** What to run. */
  record Settings(
      String schedule,
      long durationMillis,
      long seed,
      int ratePerSender,
      int sendersPerBroker,
      int readersPerBroker,
      int resumersPerBroker,
      Path jar,
      Path dir,
      Partitions partitions,
      boolean everyLeaderKilled,
      List<String> brokerFlags) {}

  /** What came of it. */
  record Report(
      Map<Fault, Integer> injected,
      int leaderKills,
      List<Integer> killedWhileLeading,
      List<String> livenessFailures,
      HistoryChecker.Verdict verdict,
      ResumeChecker.Verdict resumed,
      int connections,
      long dropped,
      List<String> refusals,
      List<String> restartsInPlace,
      List<String> canvassLowered,
      boolean completed) {
    /** Whether anything the room promises was broken. */
    boolean violated() {
      return !verdict.ok() || !resumed.ok() || !livenessFailures.isEmpty() || !completed;
    }
  }

  private static final int MEMBERS = 3;

  /**
   * A positioned member drops its own connection after a time drawn between these, and resumes on
   * the next broker: with the faults' own drops, many resumes a minute, on every broker.
   */
  private static final long RESUMER_MIN_DROP_MILLIS = 2_000;

  private static final long RESUMER_MAX_DROP_MILLIS = 6_000;

  /** After the senders stop: the room is drained once no client has read anything for this long. */
  private static final long QUIET_MILLIS = 3_000;

  /** ...or, at the most, this long after they stopped. */
  private static final long DRAIN_MILLIS = 30_000;

  private final Settings settings;
  private final PrintStream out;
  private final Network network;
  private final Names names = new Names();
  private final List<ClientRecord> records = Collections.synchronizedList(new ArrayList<>());
  private final List<ClientSlot> slots = new ArrayList<>();
  private final List<ResumingMember> resumers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final long start = System.nanoTime();
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "faults-ticker");
            t.setDaemon(true);
            return t;
          });
  private Nemesis nemesis;

  /** Each new connection's record goes to the checker. */
  private void recorded(ChatClient client) {
    records.add(client.record);
  }

  private FaultRun(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
    this.network = network(settings.partitions(), out);
  }

  static Report run(Settings settings, PrintStream out) throws IOException, InterruptedException {
    return new FaultRun(settings, out).run();
  }

  private Report run() throws IOException, InterruptedException {
    boolean completed = false;
    Members members =
        new Members(
            settings.jar(), settings.dir(), network, MEMBERS, settings.brokerFlags(), start);
    try {
      // Stopped half-way (Ctrl-C): the members and the namespaces go too.
      Thread cleanUp =
          new Thread(
              () -> {
                members.close();
                network.close();
              },
              "faults-clean-up");
      Runtime.getRuntime().addShutdownHook(cleanUp);
      try {
        completed = runWith(members);
        endClients(); // before the members stop: an end, not a drop
      } finally {
        removeHook(cleanUp);
      }
    } catch (Members.MemberFailure e) {
      out.println("cluster-faults: " + e.getMessage());
    } finally {
      endClients();
      members.close();
      ticker.shutdownNow();
      network.close();
    }
    List<ClientRecord> all = List.copyOf(records);
    Map<String, List<String>> remedies =
        linesSaying(members, ClusterNode.RESTARTING_IN_PLACE, ClusterNode.CANVASS_LOWERED);
    HistoryChecker.Verdict verdict = new HistoryChecker(names).check(all);
    ResumeChecker.Verdict resumed =
        new ResumeChecker().check(resumers.stream().map(r -> r.record).toList());
    return new Report(
        nemesis == null ? Map.of() : nemesis.injected(),
        nemesis == null ? 0 : nemesis.leaderKills(),
        nemesis == null ? List.of() : List.copyOf(nemesis.killedWhileLeading()),
        nemesis == null ? List.of("the members did not start") : nemesis.livenessFailures(),
        verdict,
        resumed,
        (int) all.stream().filter(ClientRecord::joined).count(),
        all.stream().filter(r -> r.joined() && r.dropped()).count(),
        refusals(all, start),
        remedies.get(ClusterNode.RESTARTING_IN_PLACE),
        remedies.get(ClusterNode.CANVASS_LOWERED),
        completed);
  }

  /**
   * The lines in which a member said what it did against an Aeron fault (docs/CLUSTER.md): that it
   * restarted itself in place, or lowered a canvass position. Each with its member; remedies, not
   * violations, but what a run found is worth seeing. Each member's log is read once, for every
   * phrase.
   */
  private static Map<String, List<String>> linesSaying(Members members, String... phrases)
      throws IOException {
    Map<String, List<String>> lines = new LinkedHashMap<>();
    for (String phrase : phrases) {
      lines.put(phrase, new ArrayList<>());
    }
    for (int i = 0; i < MEMBERS; i++) {
      Path log = members.log(i);
      if (!Files.exists(log)) {
        continue;
      }
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        for (String phrase : phrases) {
          if (line.contains(phrase)) {
            lines.get(phrase).add("member " + i + ": " + line.strip());
          }
        }
      }
    }
    return lines;
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // shutting down already: the hook cleans up
    }
  }

  /** Starts the members and clients, carries out the schedule, drains. Whether it completed. */
  private boolean runWith(Members members) throws IOException, InterruptedException {
    members.startAll();
    for (int i = 0; i < MEMBERS; i++) {
      for (int k = 0; k < settings.sendersPerBroker(); k++) {
        slots.add(new ClientSlot(name('s', i, k), i, true, members, names, this::recorded));
      }
      for (int k = 0; k < settings.readersPerBroker(); k++) {
        slots.add(new ClientSlot(name('r', i, k), i, false, members, names, this::recorded));
      }
    }
    long history = historyKept(settings.brokerFlags());
    for (int i = 0; i < MEMBERS; i++) {
      for (int k = 0; k < settings.resumersPerBroker(); k++) {
        resumers.add(
            new ResumingMember(
                name('p', i, k),
                i,
                MEMBERS,
                members,
                names,
                settings.seed() * 31 + resumers.size(),
                RESUMER_MIN_DROP_MILLIS,
                RESUMER_MAX_DROP_MILLIS,
                history));
      }
    }
    for (Runnable client : slots) {
      start(client);
    }
    for (Runnable client : resumers) {
      start(client);
    }
    awaitConnected();
    long periodNanos = TimeUnit.SECONDS.toNanos(1) / settings.ratePerSender();
    ScheduledFuture<?> sending =
        ticker.scheduleAtFixedRate(
            () -> slots.forEach(ClientSlot::tick), 0, periodNanos, TimeUnit.NANOSECONDS);
    nemesis =
        new Nemesis(
            members,
            new LivenessProbe(members, names, this::recorded),
            settings.seed(),
            out,
            start);
    Schedule schedule =
        Schedule.named(
            settings.schedule(),
            settings.seed(),
            settings.durationMillis(),
            members.canCut(),
            settings.everyLeaderKilled());
    boolean completed = true;
    for (Step step = schedule.next(progress()); step != null; step = schedule.next(progress())) {
      if (!nemesis.apply(step)) {
        completed = false;
        break;
      }
    }
    if (completed) {
      nemesis.healAll();
    }
    sending.cancel(false);
    drain();
    return completed;
  }

  private void start(Runnable client) {
    Thread t = new Thread(client, "faults-client");
    t.setDaemon(true);
    t.start();
    threads.add(t);
  }

  private void endClients() throws InterruptedException {
    slots.forEach(ClientSlot::end);
    resumers.forEach(ResumingMember::end);
    for (Thread t : threads) {
      t.join(5_000);
    }
  }

  private static String name(char kind, int broker, int k) {
    return kind + "" + broker + (k == 0 ? "" : "x" + k);
  }

  private static Network network(Partitions partitions, PrintStream out) {
    if (partitions == Partitions.OFF) {
      out.println("cluster-faults: no partitions (--partitions off)");
      return Network.loopback();
    }
    try {
      return Network.namespaces(MEMBERS);
    } catch (IllegalStateException e) {
      if (partitions == Partitions.ON) {
        throw e;
      }
      out.println("cluster-faults: no partitions: " + e.getMessage());
      return Network.loopback();
    }
  }

  private Schedule.Progress progress() {
    return new Schedule.Progress(
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
        MEMBERS,
        nemesis.killedWhileLeading());
  }

  private void awaitConnected() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!slots.stream().allMatch(ClientSlot::connected)
        || !resumers.stream().allMatch(ResumingMember::joined)) {
      if (System.nanoTime() - deadline > 0) {
        throw new Members.MemberFailure("the clients could not all join within 30 s");
      }
      Thread.sleep(20);
    }
  }

  /** Waits until no client has read anything for a while: what was sent has arrived. */
  private void drain() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
    long lastCount = -1;
    long quietSince = System.nanoTime();
    while (System.nanoTime() - deadline < 0) {
      long count = 0;
      synchronized (records) {
        for (ClientRecord r : records) {
          count += r.gotCount();
        }
      }
      if (count != lastCount) {
        lastCount = count;
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince > TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS)) {
        return;
      }
      Thread.sleep(100);
    }
  }

  /** Where and when SENDs were refused with ERR unavailable: one line per broker that did. */
  private static List<String> refusals(List<ClientRecord> records, long start) {
    List<String> lines = new ArrayList<>();
    for (int broker = 0; broker < MEMBERS; broker++) {
      long count = 0;
      long first = Long.MAX_VALUE;
      long last = Long.MIN_VALUE;
      for (ClientRecord r : records) {
        if (r.broker != broker) {
          continue;
        }
        for (int i = 0; i < r.refusedNanos().size(); i++) {
          long at = r.refusedNanos().getLong(i) - start;
          count++;
          first = Math.min(first, at);
          last = Math.max(last, at);
        }
      }
      if (count > 0) {
        lines.add(
            String.format(
                Locale.ROOT,
                "broker %d refused %,d SENDs with ERR unavailable, from %+.1fs to %+.1fs",
                broker,
                count,
                first / 1e9,
                last / 1e9));
      }
    }
    return lines;
  }

  /** The report, as the command prints it. */
  static void print(Report report, PrintStream out) {
    HistoryChecker.Verdict v = report.verdict();
    StringBuilder faults = new StringBuilder();
    for (Fault fault : Fault.values()) {
      int n = report.injected().getOrDefault(fault, 0);
      faults
          .append(faults.length() == 0 ? "" : ", ")
          .append(n)
          .append(' ')
          .append(fault.description());
    }
    out.println();
    out.println("faults injected: " + faults);
    out.println(
        "leader kills: "
            + report.leaderKills()
            + "; members killed while leading: "
            + report.killedWhileLeading()
            + " of "
            + MEMBERS);
    out.printf(
        Locale.ROOT,
        "connections joined: %,d (%,d dropped by faults)%n",
        report.connections(),
        report.dropped());
    out.printf(Locale.ROOT, "messages sent: %,d%n", v.sent);
    out.printf(Locale.ROOT, "confirmed: %,d%n", v.confirmed);
    out.printf(
        Locale.ROOT,
        "indeterminate: %,d delivered to all, %,d to none (%,d SENDs refused with ERR"
            + " unavailable)%n",
        v.indeterminateToAll,
        v.indeterminateToNone,
        v.refusals);
    out.printf(
        Locale.ROOT,
        "lost: %,d (missing at readers whose window covered them: %,d; gaps in a connection's"
            + " stretch of the room: %,d)%n",
        v.lost,
        v.missedDeliveries,
        v.gaps);
    out.printf(Locale.ROOT, "duplicated: %,d%n", v.duplicated);
    out.printf(Locale.ROOT, "reordered: %,d%n", v.reordered);
    out.printf(
        Locale.ROOT,
        "checked for order and gaps only (every reader that could have read them dropped later):"
            + " %,d%n",
        v.orderOnly);
    out.printf(
        Locale.ROOT, "unchecked (read by no connection, no window open): %,d%n", v.unchecked);
    ResumeChecker.Verdict r = report.resumed();
    out.printf(
        Locale.ROOT,
        "positioned members: %d, resumed %,d times on another broker; %,d POST lines read; %,d"
            + " GAPs reported (%,d seqs); skipped without a GAP: %,d; read twice or out of"
            + " order: %,d; another message under a seq: %,d%n",
        r.members,
        r.resumes,
        r.posts,
        r.gapsReported,
        r.seqsInGaps,
        r.skipped,
        r.duplicated,
        r.disagreements);
    out.printf(
        Locale.ROOT,
        "  GAPs in replays of what the room no longer kept: %,d; of what it kept (a broker's copy"
            + " could not vouch): %,d; live (egress a broker lost for good): %,d%n",
        r.replayGapsNotKept,
        r.replayGapsKept,
        r.liveGaps);
    for (String example : r.keptGaps) {
      out.println("  positioned: " + example);
    }
    for (String example : r.examples) {
      out.println("  positioned: " + example);
    }
    out.printf(
        Locale.ROOT,
        "members restarted in place (could not replay their own log): %d%n",
        report.restartsInPlace().size());
    for (String line : report.restartsInPlace()) {
      out.println("  " + line);
    }
    out.printf(
        Locale.ROOT,
        "canvass positions lowered (a member back claimed more of the log than the room had"
            + " committed): %d%n",
        report.canvassLowered().size());
    for (String line : report.canvassLowered()) {
      out.println("  " + line);
    }
    out.printf(Locale.ROOT, "liveness failures: %d%n", report.livenessFailures().size());
    for (String failure : report.livenessFailures()) {
      out.println("  " + failure);
    }
    for (String example : v.examples) {
      out.println("  " + example);
    }
    if (!report.completed()) {
      out.println("the schedule did not complete: a member would not start");
    }
    out.println("result: " + (report.violated() ? "VIOLATIONS" : "ok"));
    out.flush();
  }

  /**
   * The messages the brokers' rooms keep: {@code --history} among the broker flags, or its default.
   */
  static long historyKept(List<String> brokerFlags) {
    try {
      return BrokerConfig.parse(brokerFlags.toArray(String[]::new)).historyMessages();
    } catch (IllegalArgumentException e) {
      return BrokerConfig.parse().historyMessages(); // the brokers refuse them themselves
    }
  }
}
