package io.ringchat.broker.cluster;

import io.aeron.Aeron;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.driver.MediaDriver;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.agrona.CloseHelper;
import org.agrona.concurrent.NanoClock;

/**
 * Makes a broker's sessions with the cluster: the first one at start, waiting for a leader up to
 * the connect timeout, and each one after a loss, a step per call so that the link never waits.
 * Starts a media driver of its own when the broker is not a member (a front-end only).
 *
 * <p>The link's thread, except the first connect (the thread starting the broker).
 */
final class SessionConnector implements AutoCloseable {
  private final ClusterContext ctx;
  private final NanoClock clock;
  private final String endpoints;
  private final MediaDriver ownDriver;
  private final Aeron client;
  private final AeronCluster.Context aeron;
  private AeronCluster.AsyncConnect connecting;
  private int failed;

  /** How often the first connect looks whether this process's member knows a leader yet. */
  private static final long LEADER_LOOK_NS = TimeUnit.MILLISECONDS.toNanos(10);

  /**
   * @param aeronDir the media driver to use (a cluster member's own), or null to start one
   * @param egressHost the address the cluster sends egress to (this host, as the members see it)
   * @param newLeaders the client's own listener: it hears only of new leaders
   */
  SessionConnector(
      ClusterContext ctx,
      ClusterMembers members,
      String aeronDir,
      String egressHost,
      EgressListener newLeaders) {
    this.ctx = ctx;
    this.clock = ctx.nanoClock();
    this.endpoints = members.ingressEndpoints();
    String dir = aeronDir;
    MediaDriver driver = null;
    if (dir == null) {
      driver = MediaDriver.launchEmbedded(ctx.mediaDriver().dirDeleteOnShutdown(true));
      dir = driver.aeronDirectoryName();
    }
    this.ownDriver = driver;
    // One client for every session, run by the link's thread (invokeClient): a session lost is
    // replaced with the same client.
    this.client = ClusterContext.invokedClient(dir, "link");
    this.aeron =
        new AeronCluster.Context()
            .aeron(client)
            .ownsAeronClient(false)
            .ingressChannel("aeron:udp?term-length=" + ctx.ingressTermLength())
            .ingressEndpoints(endpoints)
            .egressChannel(
                "aeron:udp?endpoint=" + egressHost + ":0|term-length=" + ctx.egressTermLength())
            .egressListener(newLeaders)
            .messageTimeoutNs(ctx.messageTimeoutNs());
  }

  /**
   * The first session: waits for a leader up to the connect timeout, else throws. A member's broker
   * asks only once its own member knows a leader ({@code leaderKnown}). Asked during the election,
   * the members hold the request until it ends; when a leader takes it just before the attempt's
   * own timeout (the message timeout), the answer comes too late, the broker asks again, and the
   * leader keeps a session nobody uses until it times it out, as if a broker had gone ({@code
   * ringchat_cluster_sessions_timed_out_total}: two in 25 starts on two loaded cores). It waits so
   * for half the connect timeout at most, then asks anyway: a member that cannot get through its
   * election must not keep its broker from a leader that the broker's own session can reach.
   */
  AeronCluster connect(BooleanSupplier leaderKnown) {
    long start = clock.nanoTime();
    long deadline = start + ctx.connectTimeoutNs();
    long askAnyway = start + ctx.connectTimeoutNs() / 2;
    while (!leaderKnown.getAsBoolean() && clock.nanoTime() - askAnyway < 0) {
      LockSupport.parkNanos(LEADER_LOOK_NS); // the thread starting the broker: it may wait
    }
    RuntimeException last = null;
    while (clock.nanoTime() - deadline < 0) {
      try {
        AeronCluster connected = AeronCluster.connect(aeron.clone());
        failed = 0;
        return connected;
      } catch (RuntimeException e) { // no leader yet: try again
        if (failed++ == 0) {
          System.err.println(
              "ringchat cluster: no session yet (" + firstClause(e) + "); trying again");
        }
        last = e;
      }
    }
    CloseHelper.quietClose(client);
    closeOwnDriver();
    throw new IllegalStateException(
        "no cluster leader reachable at "
            + endpoints
            + " within "
            + TimeUnit.NANOSECONDS.toMillis(ctx.connectTimeoutNs())
            + " ms (--cluster-connect-timeout): start a majority of the members, or check"
            + " --cluster-members",
        last);
  }

  /** One step towards a new session; returns it once made, else null (call again). */
  AeronCluster poll() {
    if (connecting == null) {
      connecting = AeronCluster.asyncConnect(aeron.clone());
    }
    try {
      AeronCluster connected = connecting.poll();
      if (connected != null) {
        System.err.println(
            "ringchat cluster: new session "
                + connected.clusterSessionId()
                + " with member "
                + connected.leaderMemberId()
                + ", term "
                + connected.leadershipTermId()
                + (failed == 0 ? "" : ", after " + failed + " failed attempts"));
        failed = 0;
        connecting = null;
      }
      return connected;
    } catch (RuntimeException e) { // timed out: try again
      if (failed++ == 0) { // the first of an outage; the new session's line counts them
        System.err.println(
            "ringchat cluster: no session yet (" + firstClause(e) + "); trying again");
      }
      CloseHelper.quietClose(connecting);
      connecting = null;
      return null;
    }
  }

  /**
   * Runs the sessions' client's conductor (its keepalive to the driver, news of streams) until it
   * is done ({@link ClusterContext#invokeConductor}): the link's thread calls it at every poll.
   * Returns the work done.
   */
  int invokeClient() {
    return ClusterContext.invokeConductor(client);
  }

  /** Aeron's long messages (its whole context follows the reason) cut to the reason. */
  private static String firstClause(RuntimeException e) {
    String message = String.valueOf(e.getMessage());
    int end = message.indexOf(": state=");
    return end > 0 ? message.substring(0, end) : message.lines().findFirst().orElse(message);
  }

  @Override
  public void close() {
    CloseHelper.closeAll(connecting, client);
    closeOwnDriver();
  }

  private void closeOwnDriver() {
    if (ownDriver != null) {
      CloseHelper.close(ownDriver);
      ClusterContext.closeDriverIdle(ownDriver.context());
    }
  }
}
