package io.ringchat.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** One broker's kept egress: numbered, the newest within a byte budget, never none. */
class KeptEgressTest {
  @Test
  void shouldNumberFromOneAndDropTheOldestPastTheBudget() {
    KeptEgress kept = new KeptEgress(100);
    for (int i = 1; i <= 40; i++) {
      assertThat(kept.add(new byte[] {(byte) i, 0, 0, 0, 0, 0, 0, 0, 0, 0})).isEqualTo(i);
    }
    assertThat(kept.last()).isEqualTo(40);
    assertThat(kept.firstKept()).isEqualTo(31);
    assertThat(kept.bytes()).isEqualTo(100);
    assertThat(kept.get(31)[0]).isEqualTo((byte) 31);
    assertThat(kept.get(40)[0]).isEqualTo((byte) 40);
  }

  @Test
  void shouldKeepTheNewestEvenWhenItAloneIsOverTheBudget() {
    KeptEgress kept = new KeptEgress(4);
    kept.add(new byte[10]);
    kept.add(new byte[10]);
    assertThat(kept.firstKept()).isEqualTo(2);
    assertThat(kept.get(2)).hasSize(10);
  }

  @Test
  void shouldNumberOnFromARestoredPosition() {
    KeptEgress kept = new KeptEgress(100);
    kept.restartAfter(7);
    assertThat(kept.firstKept()).as("nothing kept").isEqualTo(8);
    assertThat(kept.add(new byte[1])).isEqualTo(8);
  }
}
