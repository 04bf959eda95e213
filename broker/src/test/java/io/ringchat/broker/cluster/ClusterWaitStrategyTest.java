package io.ringchat.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How long the cluster link parks on an empty ring. */
class ClusterWaitStrategyTest {
  @Test
  void shouldParkBrieflyOnlyWhileTheLinkWaitsForWhatWakesNobody() {
    ClusterContext ctx = new ClusterContext().idleParkNs(TimeUnit.MILLISECONDS.toNanos(100));
    ctx.conclude();
    ClusterWaitStrategy wait = new ClusterWaitStrategy(ctx);

    assertThat(wait.parkNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
    wait.briefly(true); // a new leader's ingress connecting
    assertThat(wait.parkNanos()).isEqualTo(ctx.urgentSleepNs()).isLessThan(ctx.idleSleepNs());
    wait.briefly(false);
    assertThat(wait.parkNanos()).isEqualTo(ctx.idleSleepNs());
  }
}
