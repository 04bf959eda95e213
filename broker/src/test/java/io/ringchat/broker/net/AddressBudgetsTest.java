package io.ringchat.broker.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-address budgets on a fake clock and an embedded loop whose time only the test moves. */
class AddressBudgetsTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private final CachedNanoClock clock = new CachedNanoClock();
  private final EmbeddedChannel timers = new EmbeddedChannel();

  AddressBudgetsTest() {
    timers.freezeTime();
  }

  @AfterEach
  void close() {
    timers.finishAndReleaseAll();
  }

  @Test
  void shouldAdmitUpToTheCapPerAddressAndCountOthersApart() throws Exception {
    AddressBudgets budgets = new AddressBudgets(new AddressLimits(2, 0, 0), clock);
    AddressBudget first = budgets.acquire(peer("10.0.0.1"));
    AddressBudget second = budgets.acquire(peer("10.0.0.1"));

    assertThat(first).isNotNull().isSameAs(second);
    assertThat(budgets.acquire(peer("10.0.0.1"))).as("over the cap").isNull();
    assertThat(budgets.acquire(peer("10.0.0.2"))).as("another address").isNotNull();

    budgets.release(first, timers.eventLoop());
    assertThat(budgets.acquire(peer("10.0.0.1"))).as("a place was given back").isNotNull();
  }

  @Test
  void shouldCountAnIpv6HostByItsSlash64() throws Exception {
    AddressBudgets budgets = new AddressBudgets(new AddressLimits(1, 0, 0), clock);
    assertThat(budgets.acquire(peer("2001:db8:1:2::1"))).isNotNull();

    assertThat(budgets.acquire(peer("2001:db8:1:2:ffff::7")))
        .as("same /64, another interface id")
        .isNull();
    assertThat(budgets.acquire(peer("2001:db8:1:3::1"))).as("the next /64").isNotNull();
  }

  @Test
  void shouldForgetAnAddressOnlyOnceItOwesNothing() throws Exception {
    AddressBudgets budgets = new AddressBudgets(new AddressLimits(10, 0, 20), clock);
    AddressBudget churner = budgets.acquire(peer("10.0.0.1"));
    for (int i = 0; i < 101; i++) {
      churner.spendJoin(clock.nanoTime()); // one join over the burst of 100
    }
    budgets.release(churner, timers.eventLoop());
    assertThat(budgets.addresses()).as("still owes: kept, so reconnecting pays it").isEqualTo(1);
    assertThat(budgets.acquire(peer("10.0.0.1"))).isSameAs(churner);
    budgets.release(churner, timers.eventLoop());

    clock.advance(5 * SECOND + SECOND / 20);
    timers.advanceTimeBy(5 * SECOND + SECOND / 20, TimeUnit.NANOSECONDS);
    timers.runScheduledPendingTasks();

    assertThat(budgets.addresses()).as("paid off: forgotten").isZero();
    AddressBudget fresh = budgets.acquire(peer("10.0.0.1"));
    assertThat(fresh).isNotSameAs(churner);
    fresh.spendJoin(clock.nanoTime());
    assertThat(fresh.joinsOverFor(clock.nanoTime())).as("a fresh burst").isZero();
  }

  @Test
  void shouldForgetAnAddressThatOwesNothingAtItsLastClose() throws Exception {
    AddressBudgets budgets = new AddressBudgets(new AddressLimits(10, 65_536, 20), clock);
    AddressBudget budget = budgets.acquire(peer("10.0.0.1"));
    budgets.release(budget, timers.eventLoop());

    assertThat(budgets.addresses()).isZero();
    assertThat(budget.connections.get()).as("retired").isEqualTo(-1);
  }

  @Test
  void shouldSkipTheBudgetsWhenEveryLimitIsOff() throws Exception {
    AddressBudgets budgets = new AddressBudgets(AddressLimits.OFF, clock);
    for (int i = 0; i < 1000; i++) {
      assertThat(budgets.acquire(peer("10.0.0.1"))).isSameAs(AddressBudget.UNLIMITED);
    }
    assertThat(budgets.addresses()).isZero();
  }

  private static InetSocketAddress peer(String address) throws Exception {
    return new InetSocketAddress(InetAddress.getByName(address), 40_000);
  }
}
