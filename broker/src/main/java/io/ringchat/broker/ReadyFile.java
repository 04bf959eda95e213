package io.ringchat.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * {@code --ready-file}: one line of JSON that scripts and tests read to find a running broker's
 * ports and role without parsing its log, {@code
 * {"pid":N,"chat_port":N,"http_port":N,"role":"single|leader|follower|front-end"}} ({@code
 * http_port} 0 with {@code --no-http}). Written once the broker listens and again at every change
 * of its cluster role, each time to a temporary file beside it that is then renamed over it, so a
 * reader sees a whole file or none. A clean stop deletes it; after a crash it stays, naming a pid
 * that is gone.
 *
 * <p>Written by the thread that starts the broker and by the cluster member's watcher thread, one
 * at a time.
 */
final class ReadyFile {
  private final Path path;
  private final long pid;
  private final int chatPort;
  private final int httpPort;
  private String written;

  ReadyFile(Path path, long pid, int chatPort, int httpPort) {
    this.path = path.toAbsolutePath();
    this.pid = pid;
    this.chatPort = chatPort;
    this.httpPort = httpPort;
  }

  /** The file's text for {@code role}. */
  String json(String role) {
    return String.format(
        Locale.ROOT,
        "{\"pid\":%d,\"chat_port\":%d,\"http_port\":%d,\"role\":\"%s\"}%n",
        pid,
        chatPort,
        httpPort,
        role);
  }

  /** Writes the file for {@code role}, unless it says that already. */
  synchronized void write(String role) {
    String text = json(role);
    if (text.equals(written)) {
      return;
    }
    Path temporary = path.resolveSibling(path.getFileName() + ".tmp");
    try {
      Files.writeString(temporary, text, StandardCharsets.UTF_8);
      Files.move(
          temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      written = text;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write --ready-file " + path + ": " + e, e);
    }
  }

  /** The broker stopped cleanly: nothing is ready any more. */
  synchronized void delete() {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // a stale file names a pid that is gone: readers check it
    }
  }
}
