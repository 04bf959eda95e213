package io.ringchat.broker.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The flood-control rate on a fake clock: no sleeps. */
class PaceTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void shouldAllowFiveSecondsWorthAtOnceThenSayHowLongToWait() {
    Pace pace = new Pace(20, 0);
    assertThat(pace.burstUnits()).isEqualTo(100);
    for (int i = 0; i < 100; i++) {
      assertThat(pace.spend(1, 0)).as("line %d of the burst", i).isZero();
    }
    assertThat(pace.spend(1, 0)).as("one line over: wait one line's time").isEqualTo(SECOND / 20);
    assertThat(pace.spend(1, 0)).isEqualTo(2 * SECOND / 20);
    assertThat(pace.nanosUntilClear(0)).isEqualTo(2 * SECOND / 20);
    assertThat(pace.nanosUntilClear(2 * SECOND / 20)).isZero();
  }

  @Test
  void shouldRefillAtTheRateButNeverBeyondTheBurst() {
    Pace pace = new Pace(20, 0);
    pace.spend(100, 0);
    assertThat(pace.spend(1, SECOND / 20)).as("one line's worth refilled").isZero();
    assertThat(pace.spend(1, SECOND / 20)).isPositive();

    long muchLater = 3600 * SECOND;
    assertThat(pace.nanosUntilPaidOff(muchLater)).isZero();
    assertThat(pace.spend(100, muchLater)).isZero();
    assertThat(pace.spend(1, muchLater))
        .as("a quiet hour saves no more than the burst")
        .isPositive();
  }

  @Test
  void shouldChargeByUnitsSoThatBigLinesCostMore() {
    Pace bytes = new Pace(65_536, 0); // burst: 5 s worth, 320 KiB
    assertThat(bytes.spend(320 * 1024, 0)).isZero();
    long owed = (320 * 1024 + 4097) * (SECOND / 65_536);
    assertThat(bytes.spend(4097, 0)).as("a 4 KiB line over the burst").isEqualTo(owed - 5 * SECOND);
    assertThat(bytes.nanosUntilPaidOff(0)).isEqualTo(owed);
  }

  @Test
  void shouldCountEverySpendWhenThreadsShareIt() throws InterruptedException {
    Pace pace = new Pace(1_000, 0);
    int perThread = 50_000;
    CountDownLatch start = new CountDownLatch(1);
    Runnable spender =
        () -> {
          try {
            start.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          for (int i = 0; i < perThread; i++) {
            pace.spend(1, 0);
          }
        };
    Thread a = new Thread(spender);
    Thread b = new Thread(spender);
    a.start();
    b.start();
    start.countDown();
    a.join();
    b.join();

    // Lost updates would owe less: each of the 100,000 lines is one millisecond owed.
    assertThat(pace.nanosUntilPaidOff(0)).isEqualTo(2L * perThread * (SECOND / 1_000));
  }
}
