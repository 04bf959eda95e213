package io.ringchat.bench.history;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A member that comes and goes with a replay, for {@code bench/history.sh replay}: every PERIOD
 * milliseconds it connects, joins with {@code HISTORY n}, reads the replay up to {@code REPLAYED},
 * leaves, and prints one line per join (how many lines, how long the replay took). Runs until
 * killed.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.ringchat.bench.history.ReplayJoiner HOST PORT N
 * PERIOD_MS</pre>
 */
public final class ReplayJoiner {
  private ReplayJoiner() {}

  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int history = Integer.parseInt(args[2]);
    long periodMillis = Long.parseLong(args[3]);
    long next = System.nanoTime();
    for (int i = 0; ; i++) {
      long start = System.nanoTime();
      int lines = joinOnce(host, port, "replayer" + i, history);
      System.out.printf(
          "replay %d: %d lines in %.1f ms%n", i, lines, (System.nanoTime() - start) / 1e6);
      System.out.flush();
      next += periodMillis * 1_000_000;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
    }
  }

  private static int joinOnce(String host, int port, String name, int history) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 10_000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("JOIN " + name + " HISTORY " + history + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith("REPLAYED ")) {
          out.write("LEAVE\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
          return Integer.parseInt(line.substring("REPLAYED ".length()));
        }
        if (line.startsWith("ERR ")) {
          throw new IOException(line);
        }
      }
      throw new IOException("closed before REPLAYED");
    }
  }
}
