package io.ringchat.protocol.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class whose tests leaked a Netty buffer.
 *
 * <p>Registered for every test through JUnit's extension auto-detection, so it is loaded before any
 * buffer class and its detector factory is the one Netty uses. The surefire configuration sets the
 * detection level to PARANOID, which tracks every buffer.
 */
public final class LeakDetection implements AfterAllCallback {
  private static final List<String> LEAKS = new ArrayList<>();

  static {
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    // A leak is found when its buffer is garbage collected, then reported the next time a buffer
    // is tracked: collect, then allocate a few buffers to drain the detector's reference queue.
    for (int round = 0; round < 3; round++) {
      System.gc();
      LockSupport.parkNanos(10_000_000L);
      PooledByteBufAllocator.DEFAULT.buffer(1).release();
      UnpooledByteBufAllocator.DEFAULT.buffer(1).release();
    }
    List<String> leaks;
    synchronized (LEAKS) {
      leaks = new ArrayList<>(LEAKS);
      LEAKS.clear();
    }
    assertThat(leaks).as("ByteBuf leaks in %s", context.getDisplayName()).isEmpty();
  }

  private static void record(String leak) {
    synchronized (LEAKS) {
      LEAKS.add(leak);
    }
  }

  private static final class RecordingFactory extends ResourceLeakDetectorFactory {
    // Netty declares its only abstract factory method deprecated, so overriding it is unavoidable.
    @SuppressWarnings("deprecation")
    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval, long maxActive) {
      return new RecordingDetector<>(resource, samplingInterval);
    }
  }

  private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
    RecordingDetector(Class<T> resource, int samplingInterval) {
      super(resource, samplingInterval);
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
      record(resourceType + " leaked:" + records);
      super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
      record(resourceType + " leaked (no records)");
      super.reportUntracedLeak(resourceType);
    }
  }
}
