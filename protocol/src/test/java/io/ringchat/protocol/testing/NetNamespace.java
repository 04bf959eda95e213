package io.ringchat.protocol.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A second host for tests: a network namespace joined to this one by a veth pair, made with
 * iproute2 and removed on {@link #close()}. Taking its end of the link down makes it vanish the way
 * a laptop or a phone does: no FIN, no RST, packets simply stop arriving. Needs root (or
 * CAP_NET_ADMIN); {@link #create()} says why it cannot where it cannot, for a one-line skip.
 */
public final class NetNamespace implements AutoCloseable {
  private final String name;
  private final String hostSide;
  private final String insideSide;
  private final String hostAddress;
  private final String insideAddress;

  private NetNamespace(int id) {
    this.name = "rcns" + id;
    this.hostSide = "rch" + id;
    this.insideSide = "rci" + id;
    // A /24 of its own, 10.X.Y.0, from the id: the host end is .1, the namespace's end .2.
    String subnet = "10." + (100 + id / 250) + "." + (id % 250) + ".";
    this.hostAddress = subnet + "1";
    this.insideAddress = subnet + "2";
  }

  /**
   * Makes the namespace and its link, both ends up.
   *
   * @throws IllegalStateException with a one-line reason when this machine does not allow it
   */
  public static NetNamespace create() {
    int id = ThreadLocalRandom.current().nextInt(1, 16_000);
    NetNamespace ns = new NetNamespace(id);
    try {
      ns.run("ip", "netns", "add", ns.name);
      ns.run("ip", "link", "add", ns.hostSide, "type", "veth", "peer", "name", ns.insideSide);
      ns.run("ip", "link", "set", ns.insideSide, "netns", ns.name);
      ns.run("ip", "addr", "add", ns.hostAddress + "/24", "dev", ns.hostSide);
      ns.run("ip", "link", "set", ns.hostSide, "up");
      ns.inside("ip", "addr", "add", ns.insideAddress + "/24", "dev", ns.insideSide);
      ns.inside("ip", "link", "set", ns.insideSide, "up");
      ns.inside("ip", "link", "set", "lo", "up");
      return ns;
    } catch (IOException | RuntimeException e) {
      ns.close();
      throw new IllegalStateException(
          "network namespaces are not available here (" + e.getMessage() + ")", e);
    }
  }

  /** This host's address on the link. */
  public String hostAddress() {
    return hostAddress;
  }

  /** The namespace's address on the link. */
  public String insideAddress() {
    return insideAddress;
  }

  /** Starts {@code command} inside the namespace; the caller stops it. */
  public ProcessBuilder processInside(String... command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
    full.addAll(List.of(command));
    return new ProcessBuilder(full);
  }

  /** A further link between this host and the namespace, with a /24 of its own. */
  public final class Link implements AutoCloseable {
    private final String hostEnd;
    private final String insideEnd;
    private final String hostIp;
    private final String insideIp;

    private Link(int id) {
      this(id, "10." + (200 + id / 250) + "." + (id % 250) + ".2");
    }

    private Link(int id, String insideIp) {
      this.hostEnd = "rcx" + id;
      this.insideEnd = "rcy" + id;
      this.insideIp = insideIp;
      this.hostIp = insideIp.substring(0, insideIp.lastIndexOf('.') + 1) + "1";
    }

    public String hostAddress() {
      return hostIp;
    }

    public String insideAddress() {
      return insideIp;
    }

    /** This link alone goes down: what travels over the namespace's other links goes on. */
    public void cut() throws IOException {
      inside("ip", "link", "set", insideEnd, "down");
    }

    /** The link comes back up (with its address): the partition {@link #cut} made heals. */
    public void heal() throws IOException {
      inside("ip", "link", "set", insideEnd, "up");
    }

    @Override
    public void close() {
      try {
        run("ip", "link", "del", hostEnd);
      } catch (IOException | RuntimeException e) {
        // gone with the namespace
      }
    }
  }

  /**
   * A switch between namespaces: a bridge on this host to which each namespace's {@link
   * #joinBridge} link is attached, one /24 for all of them (no address on this host's side).
   */
  public static final class Bridge implements AutoCloseable {
    private final String name;
    private final String subnet;

    private Bridge(int id) {
      this.name = "rcb" + id;
      this.subnet = "10." + (230 + id / 250) + "." + (id % 250) + ".";
    }

    /** Makes the bridge, up. */
    public static Bridge create() throws IOException {
      Bridge bridge = new Bridge(ThreadLocalRandom.current().nextInt(1, 6_000));
      NetNamespace.exec("ip", "link", "add", bridge.name, "type", "bridge");
      NetNamespace.exec("ip", "link", "set", bridge.name, "up");
      return bridge;
    }

    /** The address of host number {@code n} (1 to 254) on the bridge's subnet. */
    public String address(int n) {
      return subnet + n;
    }

    @Override
    public void close() {
      try {
        NetNamespace.exec("ip", "link", "del", name);
      } catch (IOException | RuntimeException e) {
        // never made
      }
    }
  }

  /**
   * Joins this namespace to {@code bridge} by a link of its own, as host number {@code n} there;
   * cutting the link takes the namespace off the bridge alone.
   */
  public Link joinBridge(Bridge bridge, int n) throws IOException {
    Link link = new Link(ThreadLocalRandom.current().nextInt(1, 12_000), bridge.address(n));
    run("ip", "link", "add", link.hostEnd, "type", "veth", "peer", "name", link.insideEnd);
    run("ip", "link", "set", link.insideEnd, "netns", name);
    run("ip", "link", "set", link.hostEnd, "master", bridge.name);
    run("ip", "link", "set", link.hostEnd, "up");
    inside("ip", "addr", "add", link.insideIp + "/24", "dev", link.insideEnd);
    inside("ip", "link", "set", link.insideEnd, "up");
    return link;
  }

  /** Adds a second link (e.g. one for a cluster's traffic, besides one for its clients). */
  public Link addLink() throws IOException {
    Link link = new Link(ThreadLocalRandom.current().nextInt(1, 12_000));
    run("ip", "link", "add", link.hostEnd, "type", "veth", "peer", "name", link.insideEnd);
    run("ip", "link", "set", link.insideEnd, "netns", name);
    run("ip", "addr", "add", link.hostIp + "/24", "dev", link.hostEnd);
    run("ip", "link", "set", link.hostEnd, "up");
    inside("ip", "addr", "add", link.insideIp + "/24", "dev", link.insideEnd);
    inside("ip", "link", "set", link.insideEnd, "up");
    return link;
  }

  /** The namespace vanishes: its end of the link goes down, nothing more gets through. */
  public void vanish() throws IOException {
    inside("ip", "link", "set", insideSide, "down");
  }

  @Override
  public void close() {
    try {
      run("ip", "link", "del", hostSide);
    } catch (IOException | RuntimeException e) {
      // already gone with the namespace, or never made
    }
    try {
      run("ip", "netns", "del", name);
    } catch (IOException | RuntimeException e) {
      // never made
    }
  }

  private void inside(String... command) throws IOException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
    full.addAll(List.of(command));
    run(full.toArray(new String[0]));
  }

  private void run(String... command) throws IOException {
    exec(command);
  }

  private static void exec(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + ": timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (p.exitValue() != 0) {
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      throw new IOException(String.join(" ", command) + ": " + output);
    }
  }
}
