package io.ringchat.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The settings every ringchat benchmark shares, so that results compare: one fork with a fixed
 * heap, 3 warm-up and 5 measured one-second iterations, throughput per second. Override on the
 * command line for a quick look ({@code -f 1 -wi 1 -i 1 -r 200ms}).
 */
@Fork(
    value = 1,
    jvmArgsAppend = {
      "-Xms1g",
      "-Xmx1g",
      "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
      "-Dio.netty.leakDetection.level=disabled"
    })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public abstract class BenchmarkBase {}
