package io.ringchat.broker.cluster;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.ringchat.broker.stats.RoundTripHops;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * A broker's ingress without Aeron: numbered messages offered in order, kept until acknowledged,
 * offered again to a new leader, and the hold, with a clock the test moves.
 */
class IngressSequencerTest {
  private static final long HOLD_NS = 5_000_000_000L;
  private static final long RESEND_NS = 1_000_000_000L;
  private static final int MAX_MESSAGE_BYTES = 4096;
  private static final RoundTripTracer NOT_TRACED =
      new RoundTripTracer(() -> 1, 0, new RoundTripHops());

  private long now = 1_000;
  private final List<Long> refused = new ArrayList<>();
  private final IngressSequencer ingress =
      new IngressSequencer(
          () -> now, HOLD_NS, RESEND_NS, refused::add, MAX_MESSAGE_BYTES, NOT_TRACED);
  private final RecordedOffers leader = new RecordedOffers();
  private final List<byte[]> offered = leader.taken;

  private void send(long connection, String text) {
    ingress.add(ClusterWire.SEND, connection, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
  }

  private void join(long connection, String name) {
    ingress.add(ClusterWire.JOIN, connection, name.getBytes(StandardCharsets.UTF_8));
  }

  /** The seq of a message offered, and its events as "kind:connection:detail". */
  private static String decode(byte[] message) {
    UnsafeBuffer buffer = new UnsafeBuffer(message);
    assertThat(MessageHeader.is(buffer, 0, message.length, ClusterWire.EVENTS)).isTrue();
    EventsFlyweight events = new EventsFlyweight().wrap(buffer, 0);
    StringBuilder sb = new StringBuilder().append(events.seq());
    int at = events.firstEvent();
    for (int i = 0; i < events.count(); i++, at = events.nextEvent(at)) {
      int length = events.detailLength(at);
      String detail =
          length < 0 ? "-" : buffer.getStringWithoutLengthUtf8(events.detailOffset(at), length);
      sb.append(' ').append(events.kind(at)).append(':').append(events.connection(at));
      sb.append(':').append(detail);
    }
    assertThat(at).as("the events fill the message exactly").isEqualTo(message.length);
    return sb.toString();
  }

  private List<String> offeredDecoded() {
    return offered.stream().map(IngressSequencerTest::decode).toList();
  }

  @Test
  void shouldNumberEachRingBatchAsOneMessageAndOfferEachOnceInOrder() {
    join(7, "ann");
    send(7, "hello");
    ingress.seal();
    ingress.seal(); // an empty batch makes no message
    ingress.add(ClusterWire.WHO, 8);
    ingress.seal();
    assertThat(ingress.sendUnsent(leader)).isTrue();
    assertThat(offeredDecoded()).containsExactly("1 1:7:ann 2:7:hello", "2 3:8:-");
    assertThat(ingress.sendUnsent(leader)).as("each offered once").isFalse();
    assertThat(offered).hasSize(2);
  }

  @Test
  void shouldCopyADetailsReadableBytesOnlyWhereverTheyLie() {
    // A line read off a socket is a direct buffer whose text starts past its first byte.
    ByteBuf direct = Unpooled.directBuffer(32).writeBytes("SEND hi there!".getBytes(US_ASCII));
    direct.readerIndex(5).writerIndex(13);
    ingress.add(ClusterWire.SEND, 4, direct);
    ByteBuf heap = Unpooled.copiedBuffer("xxyes", US_ASCII).readerIndex(2);
    ingress.add(ClusterWire.SEND, 5, heap);
    ingress.seal();
    ingress.sendUnsent(leader);
    assertThat(offeredDecoded()).containsExactly("1 2:4:hi there 2:5:yes");
    assertThat(direct.readerIndex()).as("the detail is read, not consumed").isEqualTo(5);
    direct.release();
  }

  @Test
  void shouldCutARingBatchBiggerThanTheLargestMessageIntoMessagesInOrder() {
    String text = "x".repeat(1000);
    for (int i = 1; i <= 9; i++) {
      send(1, i + text);
    }
    ingress.seal();
    ingress.sendUnsent(leader);

    assertThat(offered).as("9 events of about 1 KB in messages of at most 4 KiB").hasSize(3);
    assertThat(offered)
        .allSatisfy(m -> assertThat(m.length).isLessThanOrEqualTo(MAX_MESSAGE_BYTES));
    assertThat(offeredDecoded())
        .containsExactly(
            "1 2:1:1" + text + " 2:1:2" + text + " 2:1:3" + text + " 2:1:4" + text,
            "2 2:1:5" + text + " 2:1:6" + text + " 2:1:7" + text + " 2:1:8" + text,
            "3 2:1:9" + text);
  }

  @Test
  void shouldStopAtBackPressureAndGoOnFromThereInOrder() {
    for (int i = 1; i <= 3; i++) {
      send(1, "m" + i);
      ingress.seal();
    }
    leader.taking = false;
    assertThat(ingress.sendUnsent(leader)).isFalse();
    leader.taking = true;
    ingress.sendUnsent(leader);
    assertThat(offeredDecoded()).containsExactly("1 2:1:m1", "2 2:1:m2", "3 2:1:m3");
  }

  @Test
  void shouldOfferEverythingUnacknowledgedAgainToANewLeaderAndForgetWhatWasAcknowledged() {
    for (int i = 1; i <= 3; i++) {
      send(1, "m" + i);
      ingress.seal();
    }
    ingress.sendUnsent(leader);
    ingress.answered(1);
    assertThat(ingress.waiting()).isEqualTo(2);
    offered.clear();
    ingress.resendAll();
    ingress.sendUnsent(leader);
    assertThat(offeredDecoded()).containsExactly("2 2:1:m2", "3 2:1:m3");
  }

  @Test
  void shouldRefuseTheHeldSendsOnlyAfterTheHoldWithNoLeaderAndKeepTheRestInOrder() {
    join(1, "ann");
    send(1, "held");
    ingress.seal();
    send(2, "also held");
    ingress.add(ClusterWire.DISCONNECTED, 3);
    ingress.seal();
    ingress.sendUnsent(leader);
    now += HOLD_NS - 1;
    ingress.checkHold();
    assertThat(refused).as("within the hold: still waiting").isEmpty();
    assertThat(ingress.unavailable()).isFalse();

    now += 1;
    ingress.checkHold();
    assertThat(refused).containsExactly(1L, 2L);
    assertThat(ingress.unavailable()).isTrue();
    send(4, "while unavailable");
    assertThat(refused).as("refused at once").containsExactly(1L, 2L, 4L);

    offered.clear();
    ingress.sendUnsent(leader);
    assertThat(offeredDecoded())
        .as("the same numbers, without the SENDs, offered again")
        .containsExactly("1 1:1:ann", "2 7:3:-");
    List<Long> waiting = new ArrayList<>();
    ingress.forEachWaiting(waiting::add);
    assertThat(waiting).as("a disconnect waits for no answer").containsExactly(1L);

    ingress.answered(2);
    assertThat(ingress.unavailable()).as("a leader answered").isFalse();
    send(5, "after");
    ingress.seal();
    assertThat(refused).hasSize(3);
  }

  @Test
  void shouldNotHoldWhileALeaderAnswersEvenIfAMessageWaitsLong() {
    send(1, "slow");
    ingress.seal();
    for (int i = 0; i < 10; i++) {
      now += HOLD_NS / 2;
      ingress.answered(0); // egress arrives, acknowledging older messages only
      ingress.checkHold();
    }
    assertThat(refused).isEmpty();
  }

  @Test
  void shouldNumberFromOneAgainOnANewSessionKeepingWhatCameWhileThereWasNone() {
    send(1, "a");
    ingress.seal();
    send(1, "b");
    ingress.seal();
    ingress.restart(); // the session is lost
    assertThat(ingress.waiting()).isZero();
    join(2, "ann"); // a member joining while a new session is made
    ingress.seal();
    ingress.sessionStarted();
    ingress.sendUnsent(leader);
    assertThat(offeredDecoded()).containsExactly("1 1:2:ann");
  }

  @Test
  void shouldTakeSendsAgainOnANewSessionAfterTheHoldRefusedThem() {
    send(1, "held");
    ingress.seal();
    now += HOLD_NS;
    ingress.checkHold();
    assertThat(ingress.unavailable()).isTrue();
    ingress.restart();
    ingress.sessionStarted();
    assertThat(ingress.unavailable()).isFalse();
    send(1, "taken");
    assertThat(refused).containsExactly(1L);
  }

  @Test
  void shouldOfferAgainFromTheOldestMessageUnacknowledgedForLongerThanTheResendTime() {
    send(1, "m1");
    ingress.seal();
    ingress.sendUnsent(leader);
    now += RESEND_NS / 2;
    send(1, "m2");
    ingress.seal();
    ingress.sendUnsent(leader);
    offered.clear();

    now += RESEND_NS / 2 - 1;
    assertThat(ingress.checkResend()).as("within the resend time").isFalse();
    now += 1;
    ingress.answered(0); // the leader answers, but not for m1: it was lost on the way
    assertThat(ingress.checkResend()).isTrue();
    ingress.sendUnsent(leader);
    assertThat(offeredDecoded()).containsExactly("1 2:1:m1", "2 2:1:m2");

    offered.clear();
    assertThat(ingress.checkResend()).as("offered again just now").isFalse();
    ingress.answered(2);
    now += RESEND_NS;
    assertThat(ingress.checkResend()).as("nothing waits").isFalse();
  }

  @Test
  void shouldNotResendWhatWasNeverOffered() {
    send(1, "m1");
    ingress.seal();
    leader.taking = false;
    ingress.sendUnsent(leader);
    now += RESEND_NS * 3;
    assertThat(ingress.checkResend()).as("back pressure: still unsent, not late").isFalse();
  }
}
