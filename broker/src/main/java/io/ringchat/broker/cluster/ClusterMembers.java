package io.ringchat.broker.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * The members of a cluster as {@code --cluster-members} gives them: one {@code host:base-port} per
 * member, member i being the i-th. Each member uses five ports from its base:
 *
 * <pre>
 * base + 0  ingress    brokers (cluster clients) send the room's input here
 * base + 1  consensus  members elect a leader and agree on the log
 * base + 2  log        the leader replicates the log to the followers
 * base + 3  catch-up   a member that fell behind (or restarted) catches up
 * base + 4  archive    the member's archive: log recordings and snapshots
 * </pre>
 *
 * <p>Immutable.
 */
public final class ClusterMembers {
  static final int INGRESS = 0;
  static final int CONSENSUS = 1;
  static final int LOG = 2;
  static final int CATCH_UP = 3;
  static final int ARCHIVE = 4;

  /** Ports each member uses, from its base. */
  public static final int PORTS_PER_MEMBER = 5;

  private final List<String> hosts;
  private final List<Integer> bases;

  private ClusterMembers(List<String> hosts, List<Integer> bases) {
    this.hosts = List.copyOf(hosts);
    this.bases = List.copyOf(bases);
  }

  /** Parses the option; throws {@link IllegalArgumentException} with a one-line message. */
  public static ClusterMembers parse(String list) {
    List<String> hosts = new ArrayList<>();
    List<Integer> bases = new ArrayList<>();
    for (String raw : list.split(",", -1)) {
      String entry = raw.strip();
      int colon = entry.lastIndexOf(':');
      if (colon <= 0 || colon == entry.length() - 1) {
        throw bad(entry);
      }
      int base;
      try {
        base = Integer.parseInt(entry.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw bad(entry);
      }
      if (base < 1 || base > 65_535 - PORTS_PER_MEMBER) {
        throw bad(entry);
      }
      hosts.add(entry.substring(0, colon));
      bases.add(base);
    }
    return new ClusterMembers(hosts, bases);
  }

  private static IllegalArgumentException bad(String entry) {
    return new IllegalArgumentException(
        "--cluster-members takes host:base-port,... (base 1 to "
            + (65_535 - PORTS_PER_MEMBER)
            + "), got '"
            + entry
            + "'");
  }

  public int size() {
    return hosts.size();
  }

  String endpoint(int member, int port) {
    return hosts.get(member) + ":" + (bases.get(member) + port);
  }

  /** Member {@code member}'s host, as the others reach it. */
  public String host(int member) {
    return hosts.get(member);
  }

  /** Aeron's form: {@code id,ingress,consensus,log,catchup,archive|...}. */
  String aeronMembers() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < size(); i++) {
      sb.append(i == 0 ? "" : "|").append(i);
      for (int port : new int[] {INGRESS, CONSENSUS, LOG, CATCH_UP, ARCHIVE}) {
        sb.append(',').append(endpoint(i, port));
      }
    }
    return sb.toString();
  }

  /** The cluster client's ingress endpoints: {@code 0=host:port,1=host:port,...}. */
  String ingressEndpoints() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < size(); i++) {
      sb.append(i == 0 ? "" : ",").append(i).append('=').append(endpoint(i, INGRESS));
    }
    return sb.toString();
  }
}
