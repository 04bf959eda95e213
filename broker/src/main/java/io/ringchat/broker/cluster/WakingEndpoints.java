package io.ringchat.broker.cluster;

import io.aeron.driver.DataPacketDispatcher;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ReceiveChannelEndpointSupplier;
import io.aeron.driver.SendChannelEndpointSupplier;
import io.aeron.driver.media.ReceiveChannelEndpoint;
import io.aeron.driver.media.ReceiveDestinationTransport;
import io.aeron.driver.media.SendChannelEndpoint;
import io.aeron.driver.media.UdpChannel;
import io.aeron.protocol.DataHeaderFlyweight;
import io.aeron.protocol.SetupFlyweight;
import java.net.InetSocketAddress;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersReader;

/**
 * Aeron's UDP endpoints as the media driver makes them, each of which also hands its socket to the
 * driver's {@link DriverIdleStrategy} when it opens, so that a packet wakes a sleeping driver; a
 * receiving endpoint also says when a packet carries data for a reader (a heartbeat does not), and
 * has its {@link CanvassPositionGuard} look at what the packet says before the driver takes it.
 * Aeron's suppliers of endpoints are there for such wrappers (its own debug endpoints drop
 * packets).
 */
final class WakingEndpoints {
  private WakingEndpoints() {}

  /**
   * @param guard sees every datagram first ({@link CanvassPositionGuard}); one per driver, as the
   *     driver's one thread reads every endpoint
   */
  static ReceiveChannelEndpointSupplier receiving(
      DriverIdleStrategy idle, CanvassPositionGuard guard) {
    return (channel, dispatcher, status, context) ->
        new Receiving(channel, dispatcher, status, context, idle, guard);
  }

  static SendChannelEndpointSupplier sending(DriverIdleStrategy idle) {
    return (channel, status, context) -> new Sending(channel, status, context, idle);
  }

  private static final class Receiving extends ReceiveChannelEndpoint {
    private final DriverIdleStrategy idle;
    private final CanvassPositionGuard guard;
    private final CountersReader counters;

    Receiving(
        UdpChannel channel,
        DataPacketDispatcher dispatcher,
        AtomicCounter status,
        MediaDriver.Context context,
        DriverIdleStrategy idle,
        CanvassPositionGuard guard) {
      super(channel, dispatcher, status, context);
      this.idle = idle;
      this.guard = guard;
      this.counters = context.countersManager();
    }

    @Override
    public void openChannel() {
      super.openChannel();
      idle.watch(receiveDatagramChannel());
    }

    @Override
    public int addDestination(ReceiveDestinationTransport transport) {
      int index = super.addDestination(transport);
      idle.watch(transport.receiveDatagramChannel());
      return index;
    }

    @Override
    public int onDataPacket(
        DataHeaderFlyweight header,
        UnsafeBuffer buffer,
        int length,
        InetSocketAddress source,
        int transportIndex) {
      // A heartbeat has no frame length; one that ends a stream still matters to its reader.
      if ((header.flags() & DataHeaderFlyweight.EOS_FLAG) != 0) {
        idle.streamEnded();
      } else if (header.frameLength() > 0) {
        idle.dataArrived(header.streamId());
        guard.onDatagram(buffer, length, counters);
      }
      return super.onDataPacket(header, buffer, length, source, transportIndex);
    }

    @Override
    public void onSetupMessage(
        SetupFlyweight header,
        UnsafeBuffer buffer,
        int length,
        InetSocketAddress source,
        int transportIndex) {
      // A new stream (or a setup sent again while one is not yet connected): its reader learns of
      // it. Not a change that makes the timers matter: setups repeat every 100 ms until answered.
      idle.dataArrived(header.streamId());
      super.onSetupMessage(header, buffer, length, source, transportIndex);
    }
  }

  private static final class Sending extends SendChannelEndpoint {
    private final DriverIdleStrategy idle;

    Sending(
        UdpChannel channel,
        AtomicCounter status,
        MediaDriver.Context context,
        DriverIdleStrategy idle) {
      super(channel, status, context);
      this.idle = idle;
    }

    @Override
    public void openChannel() {
      super.openChannel();
      idle.watch(sendDatagramChannel); // status messages and NAKs come back on it
    }
  }
}
