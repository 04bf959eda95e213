package io.ringchat.broker.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The room's wait strategy on a real Disruptor: an idle consumer is parked (costs no CPU), every
 * event published from any thread, burst or trickle, wakes it, and halting wakes it too.
 */
class SpinThenParkWaitStrategyTest {
  /** One slot of the test ring. */
  static final class Slot {
    long value;
  }

  private final AtomicLong consumed = new AtomicLong();
  private final AtomicReference<Thread> consumer = new AtomicReference<>();
  private final SpinThenParkWaitStrategy strategy = new SpinThenParkWaitStrategy(20_000);
  private final Disruptor<Slot> disruptor =
      new Disruptor<>(Slot::new, 64, r -> new Thread(r, "test-room"), ProducerType.MULTI, strategy);
  private RingBuffer<Slot> ring;

  private void start() {
    disruptor.handleEventsWith(
        (slot, sequence, endOfBatch) -> {
          consumer.set(Thread.currentThread());
          consumed.incrementAndGet();
        });
    ring = disruptor.start();
  }

  @AfterEach
  void stop() {
    disruptor.halt();
  }

  @Test
  void shouldParkTheConsumerWhenTheRingIsEmpty() {
    start();
    ring.publishEvent((slot, seq) -> slot.value = 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> consumed.get() == 1);

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> consumer.get().getState() == Thread.State.TIMED_WAITING);
  }

  @Test
  void shouldWakeForEveryEventFromManyPublishersWithPausesBetween() throws Exception {
    start();
    int publishers = 4;
    int each = 200;
    Thread[] threads = new Thread[publishers];
    for (int p = 0; p < publishers; p++) {
      threads[p] =
          new Thread(
              () -> {
                for (int i = 0; i < each; i++) {
                  while (!ring.tryPublishEvent((slot, seq) -> slot.value = 1)) {
                    Thread.onSpinWait();
                  }
                  if (i % 10 == 0) {
                    LockSupport.parkNanos(200_000); // long enough for the consumer to park
                  }
                }
              });
      threads[p].start();
    }
    for (Thread t : threads) {
      t.join();
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> consumed.get() == (long) publishers * each);
  }

  @Test
  void shouldWakeAParkedConsumerOnceForAllTheEventsOfAnIterationThroughThePublishersLoop() {
    start();
    ring.publishEvent((slot, seq) -> slot.value = 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> consumed.get() == 1);
    Deque<Runnable> loopTasks = new ArrayDeque<>(); // this thread's "event loop"
    strategy.deferWakeupsTo(loopTasks::add);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> consumer.get().getState() == Thread.State.TIMED_WAITING);

    for (int i = 0; i < 3; i++) {
      ring.publishEvent((slot, seq) -> slot.value = 2);
    }
    assertThat(loopTasks).hasSize(1); // one wake-up queued for the three events

    loopTasks.poll().run(); // the loop runs its tasks after its reads
    await().atMost(Duration.ofSeconds(5)).until(() -> consumed.get() == 4);
    ring.publishEvent((slot, seq) -> slot.value = 3); // and queues again next time
    await().atMost(Duration.ofSeconds(5)).until(() -> consumed.get() == 5 || !loopTasks.isEmpty());
    while (!loopTasks.isEmpty()) {
      loopTasks.poll().run();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> consumed.get() == 5);
  }

  @Test
  void shouldWakeAParkedConsumerWhenHalted() throws Exception {
    start();
    ring.publishEvent((slot, seq) -> slot.value = 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> consumed.get() == 1);
    Thread room = consumer.get();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> room.getState() == Thread.State.TIMED_WAITING);

    disruptor.halt();

    room.join(5_000);
    assertThat(room.isAlive()).isFalse();
  }
}
