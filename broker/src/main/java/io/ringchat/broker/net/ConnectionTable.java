package io.ringchat.broker.net;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The open connections of one I/O event loop, by slot: hands out connection ids, turns an id back
 * into its connection (one array read and a compare, on every write the room queued), and reaches
 * every connection at shutdown. Four bytes of slot and four of generation per connection, and a
 * free list, instead of a map entry: it matters at tens of thousands of idle members.
 *
 * <p>Its event loop only (asserted). Every listener's connections on this loop share the table.
 */
public final class ConnectionTable {
  private static final int INITIAL_SLOTS = 64;

  private final int loopIndex;
  private final EventLoop loop;
  private Connection[] slots = new Connection[INITIAL_SLOTS];

  /** The generation each slot will give its next connection (its last one's, plus one). */
  private int[] generations = new int[INITIAL_SLOTS];

  private int[] free = new int[INITIAL_SLOTS];
  private int freeCount;
  private int highWater;

  /**
   * @param loopIndex the loop's place among the broker's I/O loops, part of every id it hands out
   */
  public ConnectionTable(int loopIndex, EventLoop loop) {
    if (loopIndex < 0 || loopIndex >= ConnectionId.MAX_LOOPS) {
      throw new IllegalArgumentException("at most " + ConnectionId.MAX_LOOPS + " I/O loops");
    }
    this.loopIndex = loopIndex;
    this.loop = loop;
  }

  public EventLoop loop() {
    return loop;
  }

  /** A new connection for {@code channel}, with an id no open connection has. */
  public Connection open(Channel channel) {
    assert loop.inEventLoop() : "connection table used off its event loop";
    int slot;
    if (freeCount > 0) {
      slot = free[--freeCount];
    } else {
      if (highWater == ConnectionId.MAX_SLOTS) {
        throw new IllegalStateException("more than " + ConnectionId.MAX_SLOTS + " connections");
      }
      slot = highWater++;
      if (slot == slots.length) {
        slots = Arrays.copyOf(slots, slot * 2);
        generations = Arrays.copyOf(generations, slot * 2);
        free = Arrays.copyOf(free, slot * 2);
      }
    }
    int generation = generations[slot] + 1;
    if (generation == 0) {
      generation = 1; // after 2^32 reuses of one slot: ids are never 0
    }
    generations[slot] = generation;
    Connection connection = new Connection(channel, ConnectionId.of(loopIndex, slot, generation));
    slots[slot] = connection;
    return connection;
  }

  /** Forgets {@code connection}: its id finds nothing from now on, its slot is free again. */
  public void close(Connection connection) {
    assert loop.inEventLoop() : "connection table used off its event loop";
    int slot = ConnectionId.slot(connection.id());
    if (slots[slot] != connection) {
      return; // already closed
    }
    slots[slot] = null;
    free[freeCount++] = slot;
  }

  /** The open connection with this id, or null if it has closed. */
  Connection get(long id) {
    assert loop.inEventLoop() : "connection table used off its event loop";
    int slot = ConnectionId.slot(id);
    Connection connection = slot < highWater ? slots[slot] : null;
    return connection != null && connection.id() == id ? connection : null;
  }

  /** Applies {@code action} to every open connection; the action may close them. */
  public void forEach(Consumer<Connection> action) {
    assert loop.inEventLoop() : "connection table used off its event loop";
    for (int slot = 0; slot < highWater; slot++) {
      Connection connection = slots[slot];
      if (connection != null) {
        action.accept(connection);
      }
    }
  }
}
