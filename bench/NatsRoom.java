import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.Republish;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The load generator's room, run on NATS instead of ringchat: the peer that the clustered room's
 * figures are measured beside (bench/nats-peer.sh). Every member is a connection that sends to the
 * room and receives what the others send, as with {@code load}; what "the room" is depends on the
 * mode:
 *
 * <ul>
 *   <li>{@code core}: a subject of core NATS on one server. Nothing is stored; the server hands
 *       each message to every subscriber as it comes (the single broker's peer).
 *   <li>{@code jetstream}: a JetStream stream with {@code --replicas} copies, file storage. A
 *       message reaches a member only once the stream's Raft group has committed it, as a clustered
 *       room's message reaches its members only once the room's log has (the cluster's peer). How
 *       members read it ({@code --deliver}): {@code republish} (default), a core subscription to
 *       the subject the stream's leader republishes each stored message on, one copy per member as
 *       with core NATS; or {@code consumer}, an ordered push consumer per member.
 * </ul>
 *
 * <p>As {@code load}: a sender keeps at most {@code --window} messages beyond what every other
 * member has received ({@code --rate 0}), or sends {@code --rate} messages a second; every member
 * checks each sender's order (duplicated, skipped). Deliveries, ordered messages (deliveries over
 * members - 1) and the latency from send to delivery (one clock: one process) are counted from
 * {@code --warmup} seconds for {@code --duration} seconds. A member's own messages, which a
 * JetStream consumer gets too, are not counted as deliveries.
 *
 * <p>{@code java -cp jnats.jar bench/NatsRoom.java --mode jetstream --servers
 * nats://127.0.0.1:4222,... --members 30 --window 16}: one line of {@code key=value} figures.
 */
public final class NatsRoom {
  private static final String SUBJECT = "room";
  private static final String REPUBLISHED = "room.stored";
  private static final String STREAM = "ROOM";
  // Payload: sender, sequence, send time; padded to --size.
  private static final int HEADER = Integer.BYTES + Long.BYTES + Long.BYTES;

  private final Map<String, String> options;
  private final int members;
  private final int senders;
  private final int window;
  private final int rate;
  private final int size;
  private final boolean consumers;
  private final long warmupNs;
  private final long durationNs;

  /**
   * Each observer's last in-order sequence from each sender: {@code observer * members + sender}.
   */
  private final AtomicLongArray received;

  private final long[] sent;
  private final Member[] room;
  private volatile long measureFromNs = Long.MAX_VALUE;
  private volatile long measureToNs = Long.MAX_VALUE;
  private final AtomicLong publishFailures = new AtomicLong();

  private NatsRoom(Map<String, String> options) {
    this.options = options;
    members = Integer.parseInt(options.getOrDefault("members", "30"));
    senders = Integer.parseInt(options.getOrDefault("senders", String.valueOf(members)));
    window = Integer.parseInt(options.getOrDefault("window", "16"));
    rate = Integer.parseInt(options.getOrDefault("rate", "0"));
    size = Math.max(HEADER, Integer.parseInt(options.getOrDefault("size", "64")));
    consumers =
        switch (options.getOrDefault("deliver", "republish")) {
          case "republish" -> false;
          case "consumer" -> true;
          default -> throw new IllegalArgumentException("--deliver republish or consumer");
        };
    warmupNs = TimeUnit.SECONDS.toNanos(Long.parseLong(options.getOrDefault("warmup", "20")));
    durationNs = TimeUnit.SECONDS.toNanos(Long.parseLong(options.getOrDefault("duration", "8")));
    received = new AtomicLongArray(members * members);
    for (int i = 0; i < received.length(); i++) {
      received.set(i, -1);
    }
    sent = new long[members];
    room = new Member[members];
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    new NatsRoom(options).run();
  }

  private void run() throws Exception {
    String mode = options.getOrDefault("mode", "core");
    boolean jetstream =
        switch (mode) {
          case "core" -> false;
          case "jetstream" -> true;
          default -> throw new IllegalArgumentException("--mode core or jetstream, not " + mode);
        };
    String[] servers = options.getOrDefault("servers", "nats://127.0.0.1:4222").split(",");
    if (jetstream) {
      makeStream(servers[0]);
    }
    for (int i = 0; i < members; i++) {
      room[i] = new Member(i, servers[i % servers.length], jetstream);
    }
    for (Member member : room) {
      member.connection.flush(java.time.Duration.ofSeconds(10));
    }
    long start = System.nanoTime();
    measureFromNs = start + warmupNs;
    measureToNs = measureFromNs + durationNs;
    send(start);
    // What is still in flight when the senders stop: 2 s to arrive, then it counts as lost.
    long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (System.nanoTime() < drainUntil && !allReceived()) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    // Closed first: a member's counts are its dispatcher thread's, which closing stops.
    for (Member member : room) {
      member.connection.close();
    }
    report(mode);
  }

  private void makeStream(String server) throws Exception {
    try (Connection admin = Nats.connect(server)) {
      JetStreamManagement streams = admin.jetStreamManagement();
      try {
        streams.deleteStream(STREAM);
      } catch (Exception absent) {
        // A fresh server has none.
      }
      streams.addStream(
          StreamConfiguration.builder()
              .name(STREAM)
              .subjects(SUBJECT)
              .replicas(Integer.parseInt(options.getOrDefault("replicas", "3")))
              .storageType(StorageType.File)
              // As the room's log is purged behind its snapshots: bounded, the oldest dropped.
              .maxMessages(1_000_000)
              .discardPolicy(DiscardPolicy.Old)
              .republish(Republish.builder().source(SUBJECT).destination(REPUBLISHED).build())
              .build());
    }
  }

  /** Sends until the measured part ends: windowed (rate 0) or at a fixed rate per sender. */
  private void send(long start) {
    long intervalNs = rate > 0 ? TimeUnit.SECONDS.toNanos(1) / rate : 0;
    long[] due = new long[senders];
    for (int s = 0; s < senders; s++) {
      // Fixed rate: the senders spread over one interval, not all at once.
      due[s] = start + (intervalNs * s) / Math.max(1, senders);
    }
    while (true) {
      long now = System.nanoTime();
      if (now >= measureToNs) {
        return;
      }
      boolean any = false;
      for (int s = 0; s < senders; s++) {
        if (rate > 0) {
          while (due[s] <= now) {
            room[s].publish(sent[s]++, now);
            due[s] += intervalNs;
            any = true;
          }
        } else {
          long least = observedByAll(s);
          while (sent[s] - 1 - least < window) {
            room[s].publish(sent[s]++, now);
            any = true;
          }
        }
      }
      if (!any) {
        LockSupport.parkNanos(rate > 0 ? 100_000 : 20_000);
      }
    }
  }

  /** The last sequence from {@code sender} that every other member has received in order. */
  private long observedByAll(int sender) {
    long least = Long.MAX_VALUE;
    for (int o = 0; o < members; o++) {
      if (o != sender) {
        least = Math.min(least, received.get(o * members + sender));
      }
    }
    return least;
  }

  private boolean allReceived() {
    for (int s = 0; s < senders; s++) {
      if (observedByAll(s) < sent[s] - 1) {
        return false;
      }
    }
    return true;
  }

  private void report(String mode) {
    long deliveries = 0;
    long duplicated = 0;
    long skipped = 0;
    long[] latency = new long[Member.BUCKETS];
    for (Member member : room) {
      deliveries += member.measured;
      duplicated += member.duplicated;
      skipped += member.skipped;
      for (int b = 0; b < latency.length; b++) {
        latency[b] += member.latency[b];
      }
    }
    long lost = 0;
    for (int s = 0; s < senders; s++) {
      for (int o = 0; o < members; o++) {
        if (o != s) {
          lost += sent[s] - 1 - received.get(o * members + s);
        }
      }
    }
    double seconds = durationNs / 1e9;
    System.out.printf(
        Locale.ROOT,
        "mode=%s%s members=%d senders=%d %s ordered_per_s=%.0f deliveries_per_s=%.0f p50_ms=%.2f"
            + " p99_ms=%.2f max_ms=%.2f lost=%d duplicated=%d skipped=%d publish_failures=%d%n",
        mode,
        "jetstream".equals(mode) ? (consumers ? " deliver=consumer" : " deliver=republish") : "",
        members,
        senders,
        rate > 0 ? "rate=" + rate : "window=" + window,
        deliveries / (double) (members - 1) / seconds,
        deliveries / seconds,
        Member.percentileMs(latency, 0.50),
        Member.percentileMs(latency, 0.99),
        Member.percentileMs(latency, 1.0),
        lost,
        duplicated,
        skipped,
        publishFailures.get());
  }

  /** One connection: sends as one sender, receives as one observer. */
  private final class Member {
    // Latency buckets: 10 µs wide up to 10 ms, then 1 ms wide up to 10 s.
    static final int FINE = 1_000;
    static final int BUCKETS = FINE + 10_000;

    final int index;
    final Connection connection;
    final JetStream jetStream;
    final long[] latency = new long[BUCKETS];
    // Written by this member's dispatcher thread only; read after the run.
    long measured;
    long duplicated;
    long skipped;

    Member(int index, String server, boolean jetstream) throws Exception {
      this.index = index;
      connection =
          Nats.connect(
              Options.builder()
                  .server(server)
                  .connectionName("member-" + index)
                  .noEcho()
                  .maxMessagesInOutgoingQueue(100_000)
                  .errorListener(new ErrorListener() {}) // flow control notices are not news
                  .build());
      Dispatcher dispatcher = connection.createDispatcher();
      if (jetstream) {
        jetStream = connection.jetStream();
      } else {
        jetStream = null;
      }
      if (jetstream && consumers) {
        jetStream.subscribe(
            SUBJECT,
            dispatcher,
            this::onMessage,
            false,
            PushSubscribeOptions.builder().ordered(true).build());
      } else {
        dispatcher.subscribe(jetstream ? REPUBLISHED : SUBJECT, this::onMessage);
      }
    }

    void publish(long seq, long now) {
      ByteBuffer body = ByteBuffer.allocate(size);
      body.putInt(index).putLong(seq).putLong(now);
      if (jetStream == null) {
        connection.publish(SUBJECT, body.array());
      } else {
        jetStream
            .publishAsync(SUBJECT, body.array())
            .whenComplete(
                (ack, failure) -> {
                  if (failure != null) {
                    publishFailures.incrementAndGet();
                  }
                });
      }
    }

    void onMessage(Message message) {
      long now = System.nanoTime();
      ByteBuffer body = ByteBuffer.wrap(message.getData());
      int sender = body.getInt();
      long seq = body.getLong();
      long sentAt = body.getLong();
      if (sender == index) {
        return; // what the stream delivers includes a member's own messages
      }
      int slot = index * members + sender;
      long last = received.get(slot);
      if (seq <= last) {
        duplicated++;
        return;
      }
      if (seq > last + 1) {
        skipped += seq - last - 1;
      }
      received.set(slot, seq);
      if (sentAt >= measureFromNs && sentAt < measureToNs) {
        measured++;
        long micros = (now - sentAt) / 1_000;
        int bucket =
            micros < 10L * FINE
                ? (int) (micros / 10)
                : (int) Math.min(BUCKETS - 1, FINE + micros / 1_000);
        latency[bucket]++;
      }
    }

    static double percentileMs(long[] buckets, double fraction) {
      long total = 0;
      for (long count : buckets) {
        total += count;
      }
      if (total == 0) {
        return Double.NaN;
      }
      long wanted = (long) Math.ceil(total * fraction);
      long seen = 0;
      for (int b = 0; b < buckets.length; b++) {
        seen += buckets[b];
        if (seen >= wanted) {
          // The bucket's upper edge.
          return b < FINE ? (b + 1) * 0.01 : (b - FINE + 1);
        }
      }
      return Double.NaN;
    }
  }
}
