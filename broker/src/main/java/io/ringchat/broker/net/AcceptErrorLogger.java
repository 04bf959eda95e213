package io.ringchat.broker.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.ringchat.broker.stats.BrokerCounters;
import java.util.concurrent.TimeUnit;

/**
 * Sits behind Netty's acceptor on the listening channel and reports accept failures, above all
 * EMFILE (the process is out of file descriptors). Netty's acceptor already stops accepting for a
 * second after such a failure, so there is no busy loop; this handler turns what would be a stack
 * trace per second into one line, then one line a minute with the count, and keeps serving.
 *
 * <p>Called by the acceptor event loop only.
 */
public final class AcceptErrorLogger extends ChannelInboundHandlerAdapter {
  private static final long REPEAT_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final BrokerCounters counters;
  private long lastLoggedNanos;
  private long suppressed;
  private boolean loggedOnce;

  public AcceptErrorLogger(BrokerCounters counters) {
    this.counters = counters;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    counters.acceptError();
    long now = System.nanoTime();
    if (loggedOnce && now - lastLoggedNanos < REPEAT_NANOS) {
      suppressed++;
      return;
    }
    String message = String.valueOf(cause.getMessage());
    String hint =
        message.contains("Too many open files")
            ? "; raise the open-file limit (ulimit -n, systemd LimitNOFILE) or lower --max-clients"
            : "";
    System.err.println(
        "ringchat: cannot accept connections: "
            + message
            + hint
            + (suppressed > 0 ? " (" + suppressed + " more since the last report)" : "")
            + "; pausing accepts for 1 s, existing connections carry on");
    loggedOnce = true;
    lastLoggedNanos = now;
    suppressed = 0;
  }
}
