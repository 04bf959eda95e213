package io.ringchat.bench;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The baseline: the original request's design ported as written. A {@code RwLock<HashMap>} of users
 * (here a {@link ReadWriteLock} around a {@link HashMap}), a queue per user, and a task per user
 * that writes each line it receives to that user's socket with its own flush. Every recipient gets
 * its own encoded copy of the line.
 *
 * <p>Thread-safe as the original is: broadcasts take the read lock, joins the write lock.
 */
final class SeedDesignRoom {
  /** One user: its name, its channel and the queue its task drains. */
  private static final class User {
    final String name;
    final Channel channel;
    final Queue<String> inbox = new ConcurrentLinkedQueue<>();

    User(String name, Channel channel) {
      this.name = name;
      this.channel = channel;
    }

    /** The user's task: forward every queued line to the socket, one write and flush each. */
    @SuppressWarnings("FutureReturnValueIgnored") // void promise: failures go to the pipeline
    void drain() {
      for (String line = inbox.poll(); line != null; line = inbox.poll()) {
        channel.writeAndFlush(
            Unpooled.copiedBuffer(line, StandardCharsets.UTF_8), channel.voidPromise());
      }
    }
  }

  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<String, User> users = new HashMap<>();
  private final Executor tasks;

  /**
   * @param tasks runs the per-user tasks; a direct executor here, which is kinder to this design
   *     than a thread hand-off per message would be
   */
  SeedDesignRoom(Executor tasks) {
    this.tasks = tasks;
  }

  void join(String name, Channel channel) {
    lock.writeLock().lock();
    try {
      users.put(name, new User(name, channel));
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Returns how many users the line was queued for. */
  int broadcast(String from, String text) {
    String line = "MSG " + from + " " + text + "\n";
    int deliveries = 0;
    lock.readLock().lock();
    try {
      for (User user : users.values()) {
        if (!user.name.equals(from)) {
          user.inbox.offer(line);
          tasks.execute(user::drain);
          deliveries++;
        }
      }
    } finally {
      lock.readLock().unlock();
    }
    return deliveries;
  }
}
