package io.ringchat.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The client jar run as a user runs it: each a process working in one directory, its stdout and
 * stderr in {@code NAME.out} and {@code NAME.err} there, no {@code CHAT_*} setting inherited from
 * this environment.
 */
final class ClientJarProcesses {
  private static final Path JAR = Path.of("target", "ringchat-client.jar");

  private final Path dir;
  private final List<Process> processes = new ArrayList<>();

  ClientJarProcesses(Path dir) {
    this.dir = dir;
  }

  /** Starts the jar with {@code args}, {@code env} added to its environment. */
  Process start(String name, Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(JAR.toAbsolutePath().toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().keySet().removeIf(variable -> variable.startsWith("CHAT_"));
    pb.environment().putAll(env);
    pb.redirectOutput(dir.resolve(name + ".out").toFile());
    pb.redirectError(dir.resolve(name + ".err").toFile());
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  /** How many have been started. */
  int count() {
    return processes.size();
  }

  String out(String name) throws IOException {
    return Files.readString(dir.resolve(name + ".out"), StandardCharsets.UTF_8);
  }

  String err(String name) throws IOException {
    return Files.readString(dir.resolve(name + ".err"), StandardCharsets.UTF_8);
  }

  /** Kills every one still running, and waits for it. */
  void stopAll() throws InterruptedException {
    for (Process p : processes) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
