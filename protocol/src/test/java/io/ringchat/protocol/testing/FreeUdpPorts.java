package io.ringchat.protocol.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Port ranges for a cluster run on this host: each cluster member uses five UDP ports from a base,
 * and tests and the fault-schedule program start several clusters in a row, so bases are picked at
 * random among those whose ports are free now.
 */
public final class FreeUdpPorts {
  private FreeUdpPorts() {}

  /** {@code count} bases 100 apart whose five UDP ports each are free on loopback now. */
  public static int[] bases(int count) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int first = 20_000 + 100 * ThreadLocalRandom.current().nextInt(0, 300);
      int[] bases = new int[count];
      boolean free = true;
      for (int i = 0; i < count && free; i++) {
        bases[i] = first + 100 * i;
        for (int p = 0; p < 5 && free; p++) {
          free = free(bases[i] + p);
        }
      }
      if (free) {
        return bases;
      }
    }
    throw new IOException("no free UDP port range for a cluster");
  }

  private static boolean free(int port) {
    try (DatagramSocket s = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
      return s.isBound();
    } catch (IOException e) {
      return false;
    }
  }
}
