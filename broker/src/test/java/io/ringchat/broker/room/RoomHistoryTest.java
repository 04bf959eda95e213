package io.ringchat.broker.room;

import static io.ringchat.broker.room.RoomHarness.EPOCH;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Protocol version 1.1 on the room alone: the numbering, what is kept, what a positioned join is
 * replayed and where the replay meets the live stream. No sockets; the room's clock is a field the
 * test moves ({@link RoomHarness#millis}).
 */
class RoomHistoryTest {
  private static final long T0 = 1_764_770_000_000L;

  private RoomHarness harness;

  /** A room keeping {@code messages} messages within {@code bytes}; stopped after the test. */
  private RoomHarness room(int messages, long bytes) {
    harness = new RoomHarness(100, messages, bytes);
    return harness;
  }

  /** Stopping the room lets go of its kept lines: the leak check sees every buffer released. */
  @AfterEach
  void stopRoom() {
    harness.room.onShutdown();
  }

  @Test
  void shouldNumberEveryMessageAndSendPositionedMembersPostAndTheirSenderSent() {
    RoomHarness room = room(1000, 1 << 20);
    room.join(0, "ann").joinHistory(1, "bob", 0).joinHistory(2, "carol", 10).endBatch();
    assertThat(room.received(1))
        .containsExactly("WELCOME bob 2 e1:0", "REPLAYED 0", "JOINED carol");
    assertThat(room.received(2)).containsExactly("WELCOME carol 3 e1:0", "REPLAYED 0");
    room.received(0);

    room.send(0, "hi all").endBatch();
    room.millis = T0 + 5;
    room.send(1, "hi ann").endBatch();

    assertThat(room.received(0)).containsExactly("MSG bob hi ann");
    assertThat(room.received(1))
        .containsExactly("POST 1 " + T0 + " ann hi all", "SENT 2 " + (T0 + 5));
    assertThat(room.received(2))
        .containsExactly("POST 1 " + T0 + " ann hi all", "POST 2 " + (T0 + 5) + " bob hi ann");
  }

  @Test
  void shouldNeverLetTheTimeOfAMessageGoBackwards() {
    RoomHarness room = room(1000, 1 << 20);
    room.join(0, "ann").joinHistory(1, "bob", 0).endBatch();
    room.received(1);

    room.send(0, "one");
    room.millis = T0 - 60_000; // the wall clock stepped back
    room.send(0, "two").endBatch();

    assertThat(room.received(1))
        .containsExactly("POST 1 " + T0 + " ann one", "POST 2 " + T0 + " ann two");
  }

  @Test
  void shouldReplayTheNewestKeptMessagesOnHistoryThenGoLiveWithNothingTwice() {
    RoomHarness room = room(1000, 1 << 20);
    room.join(0, "ann");
    for (int i = 1; i <= 5; i++) {
      room.send(0, "m" + i);
    }
    room.endBatch();

    room.joinHistory(1, "bob", 3).send(0, "m6").endBatch();

    assertThat(room.received(1))
        .containsExactly(
            "WELCOME bob 2 e1:5",
            "POST 3 " + T0 + " ann m3",
            "POST 4 " + T0 + " ann m4",
            "POST 5 " + T0 + " ann m5",
            "REPLAYED 3",
            "POST 6 " + T0 + " ann m6");
    assertThat(room.out.replays).containsEntry(RoomHarness.id(1), 1);
  }

  @Test
  void shouldGiveWhatIsKeptWhenHistoryAsksForMoreAndNothingForZero() {
    RoomHarness room = room(1000, 1 << 20);
    room.join(0, "ann").send(0, "m1").send(0, "m2");

    room.joinHistory(1, "bob", Long.MAX_VALUE).joinHistory(2, "carol", 0);

    assertThat(room.received(1))
        .containsExactly(
            "WELCOME bob 2 e1:2",
            "POST 1 " + T0 + " ann m1",
            "POST 2 " + T0 + " ann m2",
            "REPLAYED 2");
    assertThat(room.received(2)).containsExactly("WELCOME carol 3 e1:2", "REPLAYED 0");
  }

  @Test
  void shouldReplayEverythingAfterASincePositionIncludingTheMembersOwnEarlierMessages() {
    RoomHarness room = room(1000, 1 << 20);
    room.join(0, "ann").joinHistory(1, "bob", 0);
    room.send(0, "a1").send(1, "b2").send(0, "a3").endBatch();
    room.leave(1).drain(2);

    room.send(0, "a4");
    room.joinSince(1, "bob", EPOCH, 1).endBatch();

    assertThat(room.received(1))
        .containsExactly(
            "WELCOME bob 2 e1:4",
            "POST 2 " + T0 + " bob b2",
            "POST 3 " + T0 + " ann a3",
            "POST 4 " + T0 + " ann a4",
            "REPLAYED 3");
  }

  @Test
  void shouldReplayNothingSinceTheNewestPosition() {
    RoomHarness room = room(1000, 1 << 20);
    room.join(0, "ann").send(0, "a1").send(0, "a2");

    room.joinSince(1, "bob", EPOCH, 2);

    assertThat(room.received(1)).containsExactly("WELCOME bob 2 e1:2", "REPLAYED 0");
    assertThat(room.out.replays).doesNotContainKey(RoomHarness.id(1));
  }

  @Test
  void shouldRefuseAPositionNewerThanTheRoomsWithoutClaimingTheName() {
    RoomHarness room = room(1000, 1 << 20);
    room.join(0, "ann").send(0, "a1");

    room.joinSince(1, "bob", EPOCH, 2);

    assertThat(room.received(1))
        .containsExactly(
            "ERR bad_command position e1:2 is newer than this room's last message, e1:1");
    room.join(2, "bob");
    assertThat(room.received(2)).containsExactly("WELCOME bob 2");
  }

  @Test
  void shouldSayGapUnknownForAnotherEpochAndReplayNothing() {
    RoomHarness room = room(1000, 1 << 20);
    room.join(0, "ann").send(0, "a1").send(0, "a2");

    room.joinSince(1, "bob", "oldepoch", 1);

    assertThat(room.received(1)).containsExactly("WELCOME bob 2 e1:2", "GAP unknown", "REPLAYED 0");
    assertThat(room.counters.gaps()).isEqualTo(1);
  }

  @Test
  void shouldSayWhichMessagesAreNoLongerKeptBeforeReplayingTheRest() {
    RoomHarness room = room(3, 1 << 20);
    room.join(0, "ann");
    for (int i = 1; i <= 5; i++) {
      room.send(0, "m" + i);
    }

    room.joinSince(1, "bob", EPOCH, 0);

    assertThat(room.received(1))
        .containsExactly(
            "WELCOME bob 2 e1:5",
            "GAP 1 2",
            "POST 3 " + T0 + " ann m3",
            "POST 4 " + T0 + " ann m4",
            "POST 5 " + T0 + " ann m5",
            "REPLAYED 3");
    assertThat(room.counters.historyMessages()).isEqualTo(3);
  }

  @Test
  void shouldKeepWithinTheByteBudget() {
    String line = "POST 1 " + T0 + " ann m1\n";
    RoomHarness room = room(1000, 2L * line.length());
    room.join(0, "ann");
    for (int i = 1; i <= 5; i++) {
      room.send(0, "m" + i);
    }

    room.joinSince(1, "bob", EPOCH, 0);

    assertThat(room.received(1))
        .containsExactly(
            "WELCOME bob 2 e1:5",
            "GAP 1 3",
            "POST 4 " + T0 + " ann m4",
            "POST 5 " + T0 + " ann m5",
            "REPLAYED 2");
    assertThat(room.counters.historyMessages()).isEqualTo(2);
    assertThat(room.counters.historyBytes()).isEqualTo(2L * line.length());
  }

  @Test
  void shouldKeepNothingWithHistoryZeroYetNumberAndPositionItsMembers() {
    RoomHarness room = room(0, 1 << 20);
    room.join(0, "ann").send(0, "a1").send(0, "a2").send(0, "a3");

    room.joinSince(1, "bob", EPOCH, 1).joinHistory(2, "carol", 5);
    room.send(0, "a4").endBatch();

    assertThat(room.received(1))
        .containsExactly(
            "WELCOME bob 2 e1:3",
            "GAP 2 3",
            "REPLAYED 0",
            "JOINED carol",
            "POST 4 " + T0 + " ann a4");
    assertThat(room.received(2))
        .containsExactly("WELCOME carol 3 e1:3", "REPLAYED 0", "POST 4 " + T0 + " ann a4");
    assertThat(room.counters.historyMessages()).isZero();
  }

  @Test
  void shouldSendPresenceToPlainAndPositionedMembersAlike() {
    RoomHarness room = room(1000, 1 << 20);
    room.join(0, "ann").joinHistory(1, "bob", 0).endBatch();
    room.drain(2);

    room.join(2, "carol").joinHistory(3, "dave", 0).leave(2).endBatch();

    assertThat(room.received(0)).containsExactly("JOINED carol", "JOINED dave", "LEFT carol");
    assertThat(room.received(1)).containsExactly("JOINED carol", "JOINED dave", "LEFT carol");
    assertThat(room.received(3)).containsExactly("WELCOME dave 4 e1:0", "REPLAYED 0", "LEFT carol");
  }

  @Test
  void shouldKeepEachMembersOrderWhileBatchingBothEncodingsInOneSegmentEach() {
    RoomHarness room = room(1000, 1 << 20);
    room.join(0, "ann").joinHistory(1, "bob", 0).joinHistory(2, "carol", 0).join(3, "dave");
    room.endBatch().drain(4);

    room.out.busy = true; // the writers are busy: the batch's lines join one segment
    room.send(0, "a").send(1, "b").send(2, "c").send(1, "d").endBatch();
    room.out.busy = false;
    room.endBatch();

    assertThat(room.received(0)).containsExactly("MSG bob b", "MSG carol c", "MSG bob d");
    assertThat(room.received(1))
        .containsExactly(
            "POST 1 " + T0 + " ann a", "SENT 2 " + T0, "POST 3 " + T0 + " carol c", "SENT 4 " + T0);
    assertThat(room.received(2))
        .containsExactly(
            "POST 1 " + T0 + " ann a",
            "POST 2 " + T0 + " bob b",
            "SENT 3 " + T0,
            "POST 4 " + T0 + " bob d");
    assertThat(room.received(3))
        .containsExactly("MSG ann a", "MSG bob b", "MSG carol c", "MSG bob d");
  }

  @Test
  void shouldSendARunOfASendersOwnMessagesAsItsSentLinesInOneWrite() {
    RoomHarness room = room(1000, 1 << 20);
    room.joinHistory(0, "ann", 0).joinHistory(1, "bob", 0).endBatch().drain(2);

    room.out.busy = true; // one segment: ann's run of three, bob's one, ann's one more
    room.send(0, "a").send(0, "b").send(0, "c").send(1, "d").send(0, "e").endBatch();
    room.out.busy = false;
    String[] annGets = {
      "SENT 1 " + T0, "SENT 2 " + T0, "SENT 3 " + T0, "POST 4 " + T0 + " bob d", "SENT 5 " + T0
    };
    room.endBatch();
    assertThat(room.received(0)).containsExactly(annGets);

    room.out.busy = true;
    room.send(0, "a").send(0, "b").send(0, "c").send(1, "d").send(0, "e").endBatch();
    room.out.busy = false;
    room.endBatch();
    // The run's three SENT lines, bob's line, the last SENT: three writes, not five.
    assertThat(room.writesTo(0)).isEqualTo(3);
  }

  @Test
  void shouldCountReplaysAndTheLinesTheyCarried() {
    RoomHarness room = room(1000, 1 << 20);
    room.join(0, "ann").send(0, "a1").send(0, "a2");

    room.joinHistory(1, "bob", 1).joinHistory(2, "carol", 5).joinHistory(3, "dave", 0);

    assertThat(room.counters.replays()).isEqualTo(2);
    assertThat(room.counters.replayedLines()).isEqualTo(3);
    assertThat(room.counters.historyMessages()).isEqualTo(2);
  }
}
