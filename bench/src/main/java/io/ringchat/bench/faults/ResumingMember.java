package io.ringchat.bench.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * A positioned member (protocol 1.1) that lives for the whole run under one name: it joins with
 * {@code HISTORY 0}, and whenever its connection ends (its broker died or closed it, or it drops
 * the connection itself on a seeded schedule) it comes back on the next broker that serves with
 * {@code SINCE} the last position it saw, as the CLI does. Everything it reads goes to its {@link
 * ResumeRecord}: the checker then proves it missed nothing without being told and saw nothing
 * twice.
 *
 * <p>Its own thread; {@link #end} from the run's.
 */
final class ResumingMember implements Runnable {
  private static final int CONNECT_TIMEOUT_MILLIS = 2_000;
  private static final int WELCOME_TIMEOUT_MILLIS = 30_000;
  private static final long RETRY_MILLIS = 200;

  private final Members members;
  private final Names names;
  private final int brokers;
  private final Random random;
  private final long minDropMillis;
  private final long maxDropMillis;
  private final long history;
  final ResumeRecord record;

  private int broker;
  private String epoch;
  private long last = -1;

  /** Its connection's WELCOME position, and whether its replay is still coming (to REPLAYED). */
  private long welcomed;

  private boolean replaying;

  private volatile boolean running = true;
  private volatile boolean joined;
  private volatile Socket socket;

  /**
   * @param home the broker it first joins on
   * @param minDropMillis it drops its own connection after a time drawn between these two
   * @param history the messages the room keeps (the brokers' {@code --history}): a replay's GAP of
   *     older ones is the room's, of newer ones the broker copy's
   */
  ResumingMember(
      String name,
      int home,
      int brokers,
      Members members,
      Names names,
      long seed,
      long minDropMillis,
      long maxDropMillis,
      long history) {
    this.record = new ResumeRecord(name);
    this.history = history;
    this.broker = home;
    this.brokers = brokers;
    this.members = members;
    this.names = names;
    this.random = new Random(seed);
    this.minDropMillis = minDropMillis;
    this.maxDropMillis = maxDropMillis;
  }

  @Override
  public void run() {
    while (running) {
      InetSocketAddress address = members.chatAddress(broker);
      if (address != null) {
        connectAndRead(address);
      }
      broker = (broker + 1) % brokers; // comes back elsewhere: its position is good on every broker
      pause();
    }
  }

  private void connectAndRead(InetSocketAddress address) {
    Socket s = new Socket();
    socket = s;
    long dropAt =
        System.nanoTime()
            + 1_000_000L
                * (minDropMillis + (long) (random.nextDouble() * (maxDropMillis - minDropMillis)));
    try (s) {
      s.connect(address, CONNECT_TIMEOUT_MILLIS);
      s.setTcpNoDelay(true);
      s.setSoTimeout(WELCOME_TIMEOUT_MILLIS);
      OutputStream out = s.getOutputStream();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      boolean resuming = epoch != null;
      String join =
          "JOIN " + record.name + (resuming ? " SINCE " + epoch + ":" + last : " HISTORY 0");
      out.write((join + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      String welcome = in.readLine();
      if (welcome == null || !welcome.startsWith("WELCOME ")) {
        if (welcome != null
            && !welcome.startsWith("ERR name_taken")
            && !welcome.startsWith("ERR unavailable")) {
          record.anomaly("answered " + join + " with " + welcome);
        }
        return; // its old connection's name is still held, or the broker lost the room
      }
      welcomed(welcome, resuming);
      s.setSoTimeout(100);
      while (running) {
        String line;
        try {
          line = in.readLine();
        } catch (SocketTimeoutException e) {
          line = "";
        }
        if (line == null) {
          return;
        }
        if (!line.isEmpty() && !onLine(line)) {
          return;
        }
        if (System.nanoTime() - dropAt > 0) {
          return; // its own drop: it resumes elsewhere
        }
      }
    } catch (IOException e) {
      // the connection ended: it resumes
    } finally {
      joined = false;
    }
  }

  private void welcomed(String welcome, boolean resuming) {
    // WELCOME <name> <count> <epoch>:<last>
    String position = welcome.substring(welcome.lastIndexOf(' ') + 1);
    int colon = position.indexOf(':');
    String welcomeEpoch = position.substring(0, colon);
    long welcomeLast = Long.parseLong(position.substring(colon + 1));
    if (epoch == null) {
      epoch = welcomeEpoch;
      last = welcomeLast;
      record.started(welcomeLast);
    } else if (!epoch.equals(welcomeEpoch)) {
      record.anomaly("the room's epoch changed: " + epoch + " then " + welcomeEpoch);
      epoch = welcomeEpoch;
    }
    record.joined(resuming);
    welcomed = welcomeLast;
    replaying = true; // a SINCE or HISTORY join: REPLAYED ends its replay
    joined = true;
  }

  /** One line after the WELCOME; false when the connection is to end. */
  private boolean onLine(String line) {
    if (line.startsWith("POST ")) {
      // POST <seq> <ms> <name> <n>
      String[] f = line.split(" ", 5);
      try {
        long seq = Long.parseLong(f[1]);
        record.post(seq, names.id(f[3]), Long.parseLong(f[4]));
        last = Math.max(last, seq);
      } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
        record.anomaly("unexpected line: " + line);
      }
    } else if (line.startsWith("GAP unknown")) {
      record.anomaly(line);
    } else if (line.startsWith("GAP ")) {
      String[] f = line.split(" ", 3); // GAP <from> <to>
      try {
        long to = Long.parseLong(f[2]);
        if (replaying) {
          record.replayGap(Long.parseLong(f[1]), to, welcomed, history, broker);
        } else {
          record.liveGap(Long.parseLong(f[1]), to);
        }
        last = Math.max(last, to);
      } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
        record.anomaly("unexpected line: " + line);
      }
    } else if (line.startsWith("ERR unavailable")) {
      return !line.endsWith("connect again");
    } else if (line.startsWith("ERR shutting_down")) {
      return false; // its broker is stopping (a rolling restart): it resumes elsewhere
    } else if (line.startsWith("ERR ")) {
      record.anomaly(line);
      return false;
    }
    if (line.startsWith("REPLAYED ")) {
      replaying = false;
    }
    return true; // JOINED, LEFT, REPLAYED
  }

  /** Whether it is joined now. */
  boolean joined() {
    return joined;
  }

  /** The end of the run. */
  void end() {
    running = false;
    Socket s = socket;
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // closed
      }
    }
  }

  private void pause() {
    try {
      Thread.sleep(RETRY_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }
}
