package io.ringchat.protocol.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A broker's {@code --ready-file}, read: how tests and the fault-schedule program find a started
 * broker's ports and cluster role, rather than each parsing its log lines. The broker writes the
 * file once it listens and renames it into place, so a file that is there is whole.
 *
 * @param pid the broker's process id (a file naming another process is a killed broker's)
 * @param chatPort its chat port
 * @param httpPort its HTTP port, 0 with {@code --no-http}
 * @param role {@code single}, {@code leader}, {@code follower} or {@code front-end}
 */
public record BrokerReady(long pid, int chatPort, int httpPort, String role) {
  private static final Pattern FORMAT =
      Pattern.compile(
          "\\{\"pid\":(\\d+),\"chat_port\":(\\d+),\"http_port\":(\\d+),\"role\":\"([a-z-]+)\"}");

  /** The file's content; null while it is not there. */
  public static BrokerReady read(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    }
    Matcher m = FORMAT.matcher(text);
    if (!m.find()) {
      throw new IOException("not a ready file: " + file + ": " + text);
    }
    return new BrokerReady(
        Long.parseLong(m.group(1)),
        Integer.parseInt(m.group(2)),
        Integer.parseInt(m.group(3)),
        m.group(4));
  }

  /**
   * Waits until {@code file} names {@code broker} (or a process it started, such as the broker a
   * shell execs) and returns it; fails with an {@link IllegalStateException} once the broker exits
   * or {@code timeout} passes.
   */
  public static BrokerReady await(Path file, Process broker, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() - deadline < 0) {
      BrokerReady ready = read(file);
      if (ready != null && names(ready, broker)) {
        return ready;
      }
      if (!broker.isAlive()) {
        throw new IllegalStateException(
            "the broker exited with " + broker.exitValue() + " before it wrote " + file);
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("the broker wrote no " + file + " within " + timeout);
  }

  private static boolean names(BrokerReady ready, Process broker) {
    return ready.pid() == broker.pid()
        || broker.descendants().anyMatch(child -> child.pid() == ready.pid());
  }
}
