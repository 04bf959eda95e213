package io.ringchat.broker.net;

import io.netty.channel.Channel;
import java.util.function.Consumer;

/**
 * The open connections of one event loop, as an intrusive list threaded through their {@link
 * PeerHandler}s: two references per connection instead of a concurrent map entry, which matters at
 * tens of thousands of idle members. Used at shutdown to reach every connection.
 *
 * <p>Called by its event loop only (the broker submits tasks to it to walk the list).
 */
public final class LoopConnections {
  private PeerHandler head;
  private int size;

  void add(PeerHandler handler) {
    handler.next = head;
    handler.previous = null;
    if (head != null) {
      head.previous = handler;
    }
    head = handler;
    size++;
  }

  void remove(PeerHandler handler) {
    if (handler.previous != null) {
      handler.previous.next = handler.next;
    } else if (head == handler) {
      head = handler.next;
    } else {
      return; // not in the list
    }
    if (handler.next != null) {
      handler.next.previous = handler.previous;
    }
    handler.next = null;
    handler.previous = null;
    size--;
  }

  /** Event loop: applies {@code action} to every open connection's channel. */
  public void forEach(Consumer<Channel> action) {
    for (PeerHandler h = head; h != null; ) {
      PeerHandler next = h.next; // the action may close the channel and unlink it
      action.accept(h.channel());
      h = next;
    }
  }

  /** Event loop: how many connections are open. */
  public int size() {
    return size;
  }
}
