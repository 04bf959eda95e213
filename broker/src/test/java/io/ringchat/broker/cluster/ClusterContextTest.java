package io.ringchat.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The cluster's context: its defaults pass, a value out of range is refused in one line. */
class ClusterContextTest {
  @Test
  void shouldConcludeWithItsDefaults() {
    ClusterContext ctx = new ClusterContext();
    assertThat(ctx.concluded()).isFalse();
    assertThat(ctx.conclude().concluded()).isTrue();
    // Aeron's largest message is an eighth of a term: one egress message must fit.
    assertThat(ctx.maxOutputBytes()).isLessThanOrEqualTo(ctx.egressTermLength() / 8);
  }

  @Test
  void shouldRefuseAValueOutOfRangeNamingIt() {
    assertThatThrownBy(() -> new ClusterContext().holdNs(0).conclude())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cluster hold must be positive, got 0");
    assertThatThrownBy(() -> new ClusterContext().snapshotIntervalBytes(1023).conclude())
        .hasMessage("--cluster-snapshot-bytes must be at least 1024");
  }

  @Test
  void shouldRefuseToStartPartsFromAContextThatWasNotConcluded() {
    assertThatThrownBy(
            () ->
                ClusterLink.connect(
                    new ClusterContext(), null, null, null, null, null, null, null, null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not concluded");
  }
}
