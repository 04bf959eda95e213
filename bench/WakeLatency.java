import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * How long this machine takes to wake a sleeping thread once it has been idle a while: the floor
 * under a quiet room's latency, where every hop finds its thread asleep. One thread sleeps GAP µs,
 * then wakes the other (park/unpark, a futex) and spins until it answers; printed are the
 * percentiles of the time from the wake to the other thread running. No sockets, no broker.
 *
 * <p>{@code java bench/WakeLatency.java [COUNT [GAP_US]]} (defaults 500 and 20,000).
 */
public final class WakeLatency {
  private static volatile long wokenAt;
  private static volatile boolean pending;

  public static void main(String[] args) throws InterruptedException {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    long gapNs = (args.length > 1 ? Long.parseLong(args[1]) : 20_000) * 1_000;
    long[] latencies = new long[count];
    Thread sleeper =
        new Thread(
            () -> {
              for (int i = 0; i < count; i++) {
                while (!pending) {
                  LockSupport.park();
                }
                latencies[i] = System.nanoTime() - wokenAt;
                pending = false;
              }
            });
    sleeper.start();
    for (int i = 0; i < count; i++) {
      LockSupport.parkNanos(gapNs); // the machine goes idle: both threads asleep
      wokenAt = System.nanoTime();
      pending = true;
      LockSupport.unpark(sleeper);
      while (pending) {
        Thread.onSpinWait();
      }
    }
    sleeper.join();
    Arrays.sort(latencies);
    System.out.printf(
        "wake-up after %d µs idle, %d times: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms%n",
        gapNs / 1_000,
        count,
        latencies[count / 2] / 1e6,
        latencies[count * 9 / 10] / 1e6,
        latencies[count * 99 / 100] / 1e6,
        latencies[count - 1] / 1e6);
  }
}
