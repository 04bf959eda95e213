package io.ringchat.broker.it;

import io.aeron.cluster.ClusterTool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Keeps the members' output of a cluster test that failed: each broker's log goes to {@code
 * target/failed-cluster-logs/<class>/<test>/<cluster>/}, and its last lines to stderr, where a CI
 * run shows them, with each member's consensus events (why each election began, its errors). The
 * logs live in the test's temporary directory, which is deleted after the test; an intermittent
 * failure is otherwise gone before anyone can read why. Runs right after the test method, before
 * that directory is cleaned up.
 *
 * <p>Each watched cluster has a folder of its own: the clusters' files have the same names, and a
 * test class with a shared cluster beside the test's own once kept the shared one's logs over the
 * failed test's.
 */
final class ClusterLogsOnFailure implements AfterTestExecutionCallback {
  private static final int TAIL_LINES = 40;

  private record Watched(String name, Supplier<Path> dir) {}

  private final List<Watched> dirs = new ArrayList<>();

  /**
   * Keeps the logs under {@code dir} (looked up when a test fails: a field set later is fine) in a
   * folder {@code name}.
   */
  ClusterLogsOnFailure watch(String name, Supplier<Path> dir) {
    dirs.add(new Watched(name, dir));
    return this;
  }

  @Override
  public void afterTestExecution(ExtensionContext context) throws IOException {
    if (context.getExecutionException().isEmpty()) {
      return;
    }
    Path failed =
        Path.of(
            "target",
            "failed-cluster-logs",
            context.getRequiredTestClass().getSimpleName(),
            context.getRequiredTestMethod().getName());
    for (Watched watched : dirs) {
      Path root = watched.dir().get();
      if (root == null || !Files.isDirectory(root)) {
        continue;
      }
      Path keep = failed.resolve(watched.name());
      for (Path log : logs(root)) {
        Files.createDirectories(keep);
        Files.copy(log, keep.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        System.err.println(
            "== "
                + context.getDisplayName()
                + " failed; the last lines of "
                + watched.name()
                + "'s "
                + log.getFileName()
                + " (all of it: "
                + keep.resolve(log.getFileName())
                + ") ==");
        lines
            .subList(Math.max(0, lines.size() - TAIL_LINES), lines.size())
            .forEach(System.err::println);
      }
      for (Path node : nodes(root)) {
        // Why each election began, and the consensus module's errors, from its mark file.
        ByteArrayOutputStream events = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(events, true, StandardCharsets.UTF_8)) {
          ClusterTool.errors(out, node.resolve("cluster").toFile());
        } catch (RuntimeException e) {
          // A stopped member's driver files are gone (Aeron's tool throws for a missing cnc.dat):
          // say so and go on, or the other members' events, the ones that matter, are lost too.
          events.writeBytes(
              ("could not read this member's events: " + e + "\n")
                  .getBytes(StandardCharsets.UTF_8));
        }
        Files.createDirectories(keep);
        Path file = keep.resolve(node.getFileName() + "-consensus-events.txt");
        Files.write(file, events.toByteArray());
        System.err.println(
            "== "
                + watched.name()
                + " "
                + node.getFileName()
                + ": consensus events ("
                + file
                + ") ==");
        System.err.print(events.toString(StandardCharsets.UTF_8));
      }
    }
  }

  private static List<Path> nodes(Path root) {
    try (Stream<Path> files = Files.list(root)) {
      return files
          .filter(p -> p.getFileName().toString().matches("node-\\d+"))
          .filter(p -> Files.isDirectory(p.resolve("cluster")))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Path> logs(Path root) {
    try (Stream<Path> files = Files.list(root)) {
      return files
          .filter(p -> p.getFileName().toString().matches("broker-\\d+\\.out"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
