package io.ringchat.bench.faults;

import io.ringchat.protocol.testing.NetNamespace;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the members live. On loopback every member is a plain process on 127.0.0.1 and none can be
 * cut off. In namespaces each member runs in a network namespace of its own, with one link to a
 * bridge for the cluster's traffic and one to this host for its chat clients: cutting a member's
 * bridge link partitions it from the others while its clients stay connected.
 *
 * <p>The run's thread.
 */
interface Network extends AutoCloseable {
  String clusterHost(int member);

  String chatHost(int member);

  ProcessBuilder process(int member, List<String> command);

  /** Whether {@link #cut} can partition a member here. */
  boolean canCut();

  void cut(int member) throws IOException;

  void heal(int member) throws IOException;

  @Override
  void close();

  /** Every member on 127.0.0.1. */
  static Network loopback() {
    return new Network() {
      @Override
      public String clusterHost(int member) {
        return "127.0.0.1";
      }

      @Override
      public String chatHost(int member) {
        return "127.0.0.1";
      }

      @Override
      public ProcessBuilder process(int member, List<String> command) {
        return new ProcessBuilder(command);
      }

      @Override
      public boolean canCut() {
        return false;
      }

      @Override
      public void cut(int member) {
        throw new UnsupportedOperationException("no partitions on loopback");
      }

      @Override
      public void heal(int member) {
        throw new UnsupportedOperationException("no partitions on loopback");
      }

      @Override
      public void close() {}
    };
  }

  /**
   * {@code members} namespaces on a bridge.
   *
   * @throws IllegalStateException with a one-line reason where namespaces cannot be made (not root,
   *     no iproute2)
   */
  static Network namespaces(int members) {
    List<NetNamespace> hosts = new ArrayList<>();
    List<NetNamespace.Link> links = new ArrayList<>();
    NetNamespace.Bridge bridge = null;
    try {
      for (int i = 0; i < members; i++) {
        hosts.add(NetNamespace.create());
      }
      bridge = NetNamespace.Bridge.create();
      for (int i = 0; i < members; i++) {
        links.add(hosts.get(i).joinBridge(bridge, i + 1));
      }
    } catch (IOException | RuntimeException e) {
      links.forEach(NetNamespace.Link::close);
      if (bridge != null) {
        bridge.close();
      }
      hosts.forEach(NetNamespace::close);
      throw new IllegalStateException(
          "network namespaces are not available here (they need root and iproute2): "
              + e.getMessage(),
          e);
    }
    NetNamespace.Bridge made = bridge;
    return new Network() {
      @Override
      public String clusterHost(int member) {
        return made.address(member + 1);
      }

      @Override
      public String chatHost(int member) {
        return hosts.get(member).insideAddress();
      }

      @Override
      public ProcessBuilder process(int member, List<String> command) {
        return hosts.get(member).processInside(command.toArray(new String[0]));
      }

      @Override
      public boolean canCut() {
        return true;
      }

      @Override
      public void cut(int member) throws IOException {
        links.get(member).cut();
      }

      @Override
      public void heal(int member) throws IOException {
        links.get(member).heal();
      }

      @Override
      public void close() {
        links.forEach(NetNamespace.Link::close);
        made.close();
        hosts.forEach(NetNamespace::close);
      }
    };
  }
}
