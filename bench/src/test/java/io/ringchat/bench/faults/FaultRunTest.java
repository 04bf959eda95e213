package io.ringchat.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What the fault run reads from the brokers' flags. */
class FaultRunTest {
  @Test
  void shouldTakeTheRoomsHistoryFromTheBrokerFlagsAsTheBrokerReadsThem() {
    assertThat(FaultRun.historyKept(List.of("--cluster-hold=3s", "--history=50"))).isEqualTo(50);
    assertThat(FaultRun.historyKept(List.of())).as("the broker's default").isEqualTo(1_000);
    assertThat(FaultRun.historyKept(List.of("--history=many")))
        .as("refused by the brokers too: the default")
        .isEqualTo(1_000);
  }
}
