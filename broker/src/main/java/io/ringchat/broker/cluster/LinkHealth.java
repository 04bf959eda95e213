package io.ringchat.broker.cluster;

import io.ringchat.broker.stats.ClusterStatus;
import java.util.Objects;

/**
 * Whether this broker can serve now, and if not, why, as operators see it: printed once per change
 * ({@code ringchat cluster: serving: ...} or the reason) and shown by {@code /healthz}.
 *
 * <p>The link's thread only.
 */
final class LinkHealth {
  private final ClusterStatus status;

  /** As last shown; null: serving. Starts as neither, so that the first state is shown. */
  private String shown = "";

  LinkHealth(ClusterStatus status) {
    this.status = status;
  }

  /**
   * @param session why the session cannot serve, or null
   * @param unavailable whether SENDs are refused: no leader answered within the hold
   */
  void show(String session, boolean unavailable) {
    String why = session;
    if (why == null && unavailable) {
      why = "no cluster leader: none has answered for longer than --cluster-hold";
    }
    if (!Objects.equals(why, shown)) {
      System.err.println(
          "ringchat cluster: "
              + (why == null ? "serving: a leader orders this broker's requests" : why));
      shown = why;
      status.unhealthy(why);
    }
  }
}
