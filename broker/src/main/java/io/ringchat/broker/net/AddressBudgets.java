package io.ringchat.broker.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.NanoClock;

/**
 * The per-address limits: the budget of every address that has a connection open or still owes
 * flood control something. An IPv6 address counts by its /64, the block a single host is usually
 * given (so rotating through one's own addresses gains nothing); an IPv4 address by itself.
 *
 * <p>Any I/O thread, lock-free apart from the concurrent map's own bins: a connection takes its
 * place on connect ({@link #acquire}) and gives it back on close ({@link #release}). A budget whose
 * last connection closed is forgotten once it owes nothing, checked then or, if it still owes, by a
 * timer at the time it will be paid off: idle addresses cost no memory and no timers.
 */
final class AddressBudgets {
  private final ConcurrentHashMap<InetAddress, AddressBudget> byAddress = new ConcurrentHashMap<>();
  private final AddressLimits limits;
  private final NanoClock clock;

  AddressBudgets(AddressLimits limits, NanoClock clock) {
    this.limits = limits;
    this.clock = clock;
  }

  /**
   * Takes a place for a connection from {@code remote}; returns its address's budget, or null if
   * that address already has {@code --max-clients-per-address} connections open.
   */
  AddressBudget acquire(SocketAddress remote) {
    if (limits.isOff() || !(remote instanceof InetSocketAddress socket)) {
      return AddressBudget.UNLIMITED;
    }
    InetAddress key = keyOf(socket.getAddress());
    if (key == null) {
      return AddressBudget.UNLIMITED; // unresolved: not an address a peer can have
    }
    int cap = limits.maxClientsPerAddress();
    while (true) {
      AddressBudget budget = byAddress.get(key);
      if (budget == null) {
        budget = newBudget(key);
        budget.connections.set(1);
        if (byAddress.putIfAbsent(key, budget) == null) {
          return budget;
        }
        continue; // another thread added it first: take a place in that one
      }
      int open = budget.connections.get();
      if (open < 0) {
        byAddress.remove(key, budget); // retired by a release just now; make way for a new one
      } else if (cap > 0 && open >= cap) {
        return null;
      } else if (budget.connections.compareAndSet(open, open + 1)) {
        return budget;
      }
    }
  }

  /**
   * Gives back a place taken by {@link #acquire}; {@code timers} runs the check that forgets the
   * budget later if it still owes something.
   */
  void release(AddressBudget budget, ScheduledExecutorService timers) {
    if (budget != AddressBudget.UNLIMITED && budget.connections.decrementAndGet() == 0) {
      forgetWhenPaidOff(budget, timers);
    }
  }

  @SuppressWarnings("FutureReturnValueIgnored") // the timer's only result is its side effect
  private void forgetWhenPaidOff(AddressBudget budget, ScheduledExecutorService timers) {
    if (budget.connections.get() != 0) {
      return; // reconnected: its next last close checks again
    }
    long owed = budget.nanosUntilPaidOff(clock.nanoTime());
    if (owed > 0) {
      try {
        timers.schedule(() -> forgetWhenPaidOff(budget, timers), owed, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException stopping) {
        // The broker is stopping: its budgets go with it.
      }
    } else if (budget.connections.compareAndSet(0, -1)) {
      byAddress.remove(budget.key, budget);
    }
  }

  /** Addresses with a budget now: for tests and the stats. */
  int addresses() {
    return byAddress.size();
  }

  private AddressBudget newBudget(InetAddress key) {
    long now = clock.nanoTime();
    Pace bytes = limits.bytesPerSecond() > 0 ? new Pace(limits.bytesPerSecond(), now) : null;
    Pace joins = limits.joinsPerSecond() > 0 ? new Pace(limits.joinsPerSecond(), now) : null;
    return new AddressBudget(key, bytes, joins);
  }

  /** The address itself for IPv4; for IPv6 its /64 (the host part zeroed). */
  static InetAddress keyOf(InetAddress address) {
    if (address == null) {
      return null;
    }
    if (!(address instanceof Inet6Address)) {
      return address;
    }
    byte[] bytes = Arrays.copyOf(address.getAddress(), 16);
    Arrays.fill(bytes, 8, 16, (byte) 0);
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new AssertionError("16 bytes are always an IPv6 address", e);
    }
  }
}
