package io.ringchat.broker.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringchat.broker.ring.EventKind;
import io.ringchat.protocol.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RoomTest {
  private RoomHarness room = new RoomHarness(4, 1000);

  @AfterEach
  void close() {
    room.close();
  }

  @Test
  void shouldWelcomeJoinerWithCountAndAnnounceItToOthers() {
    room.join(0, "alice").deliverBatch();
    room.join(1, "Bob").deliverBatch();

    assertThat(room.received(0)).containsExactly("WELCOME alice 1", "JOINED Bob");
    assertThat(room.received(1)).containsExactly("WELCOME Bob 2");
  }

  @Test
  void shouldRefuseDuplicateNameIgnoringCaseAndComposition() {
    room.join(0, "Zo\u00EB").join(1, "zoe\u0308").join(2, "ZOË").deliverBatch();

    assertThat(room.received(1)).singleElement().asString().startsWith("ERR name_taken ");
    assertThat(room.received(2)).singleElement().asString().startsWith("ERR name_taken ");
    assertThat(room.room.memberCount()).isEqualTo(1);
  }

  @Test
  void shouldSendMessagesToEveryMemberButTheSender() {
    room.join(0, "a").join(1, "b").join(2, "c").deliverBatch();
    drainAll();

    room.send(0, "hello").deliverBatch();

    assertThat(room.received(0)).isEmpty();
    assertThat(room.received(1)).containsExactly("MSG a hello");
    assertThat(room.received(2)).containsExactly("MSG a hello");
    assertThat(room.received(3)).as("not a member").isEmpty();
  }

  @Test
  void shouldKeepRoomOrderAndSkipOwnLinesInsideOneCoalescedSegment() {
    room.join(0, "a").join(1, "b").join(2, "c").deliverBatch();
    drainAll();

    room.send(0, "1")
        .send(1, "2")
        .send(0, "3")
        .send(0, "4")
        .send(2, "5")
        .send(1, "6")
        .deliverBatch();

    assertThat(room.received(0)).containsExactly("MSG b 2", "MSG c 5", "MSG b 6");
    assertThat(room.received(1)).containsExactly("MSG a 1", "MSG a 3", "MSG a 4", "MSG c 5");
    assertThat(room.received(2))
        .containsExactly("MSG a 1", "MSG b 2", "MSG a 3", "MSG a 4", "MSG b 6");
  }

  @Test
  void shouldCoalesceABatchIntoOneWritePerMemberThatSentNothing() {
    room.join(0, "a").join(1, "b").deliverBatch();
    drainAll();

    for (int i = 0; i < 100; i++) {
      room.send(0, "m" + i);
    }
    room.deliverBatch();

    assertThat(room.writesTo(1)).isEqualTo(1);
  }

  @Test
  void shouldMergeRingBatchesIntoOneSliceWhileTheLoopHasNotTakenItsBatch() {
    try (RoomHarness oneLoop = new RoomHarness(3, 1000, RoomObserver.NONE, true)) {
      oneLoop.join(0, "a").join(1, "b").join(2, "c").deliverBatch();
      oneLoop.runLoop();
      oneLoop.drainAll();

      oneLoop.send(0, "1").deliverBatch(); // the loop is free: handed over at once
      oneLoop.send(0, "2").deliverBatch(); // the loop has not taken "1" yet: held back ...
      oneLoop.send(2, "3").deliverBatch(); // ... and merged into the same open segment
      oneLoop.runLoop(); // the loop takes "1", wakes the room, which hands over "2" and "3"

      assertThat(oneLoop.writesTo(1)).as("one slice for 1, one for 2 and 3").isEqualTo(2);
      oneLoop.send(0, "4").deliverBatch();
      oneLoop.runLoop();
      assertThat(oneLoop.received(2)).containsExactly("MSG a 1", "MSG a 2", "MSG a 4");
    }
  }

  @Test
  void shouldHandEverythingOverOnShutdownEvenWhileTheLoopIsBusy() {
    try (RoomHarness oneLoop = new RoomHarness(2, 1000, RoomObserver.NONE, true)) {
      oneLoop.join(0, "a").join(1, "b").deliverBatch();
      oneLoop.send(0, "1").deliverBatch(); // the loop is busy from here on
      oneLoop.send(0, "2").add(EventKind.SHUTDOWN, 0, null).deliverBatch();
      oneLoop.runLoop();

      assertThat(oneLoop.received(1)).containsExactly("WELCOME b 2", "MSG a 1", "MSG a 2");
    }
  }

  @Test
  void shouldPreserveTextVerbatim() {
    room.join(0, "a").join(1, "b").deliverBatch();
    drainAll();

    room.send(0, "  spaced\tout  ").deliverBatch();

    assertThat(room.received(1)).containsExactly("MSG a   spaced\tout  ");
  }

  @Test
  void shouldListMembersForWhoAndRefuseWhoBeforeJoin() {
    room.who(0).join(0, "a").join(1, "b").who(0).deliverBatch();

    assertThat(room.received(0))
        .containsExactly(
            "ERR not_joined JOIN <name> first",
            "WELCOME a 1",
            "JOINED b",
            "MEMBER a",
            "MEMBER b",
            "MEMBERS 2");
  }

  @Test
  void shouldRefuseSendBeforeJoinAndSecondJoin() {
    room.send(0, "x").join(0, "a").join(0, "b").deliverBatch();

    assertThat(room.received(0))
        .containsExactly(
            "ERR not_joined JOIN <name> first",
            "WELCOME a 1",
            "ERR already_joined this connection has already joined");
  }

  @Test
  void shouldAnswerPingWithTokenJoinedOrNot() {
    room.ping(0, null).ping(0, " tok ").deliverBatch();

    assertThat(room.received(0)).containsExactly("PONG", "PONG  tok ");
  }

  @Test
  void shouldSayByeCloseAndAnnounceLeaveThenFreeTheName() {
    room.join(0, "a").join(1, "b").deliverBatch();
    drainAll();

    room.leave(0).deliverBatch();

    assertThat(room.received(0)).containsExactly("BYE");
    assertThat(room.isOpen(0)).isFalse();
    assertThat(room.received(1)).containsExactly("LEFT a");

    room.join(2, "A").deliverBatch();
    assertThat(room.received(2)).containsExactly("WELCOME A 2");
  }

  @Test
  void shouldForgetDisconnectedMemberAndAnnounceIt() {
    room.join(0, "a").join(1, "b").deliverBatch();
    drainAll();

    room.disconnect(0).send(1, "anyone?").deliverBatch();

    assertThat(room.received(1)).containsExactly("LEFT a");
    assertThat(room.received(0)).isEmpty();
    assertThat(room.room.memberCount()).isEqualTo(1);
  }

  @Test
  void shouldNeverSeatAConnectionThatDiedWhileItsJoinWasInTheRing() {
    room.join(0, "ghost").disconnect(0);
    room.peer(0).closeOutput();
    room.deliverBatch();
    room.join(1, "ghost").deliverBatch();

    assertThat(room.received(1)).containsExactly("WELCOME ghost 1");
  }

  @Test
  void shouldRemoveSlowConsumerAndCountIt() {
    room.join(0, "slow").join(1, "b").deliverBatch();
    drainAll();

    room.evict(0).deliverBatch();

    assertThat(room.received(1)).containsExactly("LEFT slow");
    assertThat(room.counters.slowConsumers()).isEqualTo(1);
    assertThat(room.room.memberCount()).isEqualTo(1);
  }

  @Test
  void shouldStopPresenceNoticesAboveThePresenceLimit() {
    room.close();
    room = new RoomHarness(4, 2);
    room.join(0, "a").join(1, "b").join(2, "c").deliverBatch();

    assertThat(room.received(0)).containsExactly("WELCOME a 1", "JOINED b");
    assertThat(room.received(2)).containsExactly("WELCOME c 3");

    room.leave(2).deliverBatch();
    assertThat(room.received(0)).as("3 members before the leave: above the limit").isEmpty();
    room.leave(1).deliverBatch();
    assertThat(room.received(0)).containsExactly("LEFT b");
  }

  @Test
  void shouldTurnPresenceOffWithZeroLimit() {
    room.close();
    room = new RoomHarness(2, 0);
    room.join(0, "a").join(1, "b").deliverBatch();

    assertThat(room.received(0)).containsExactly("WELCOME a 1");
  }

  @Test
  void shouldReportRejectedLinesInOrder() {
    room.reject(0, ErrorCode.TOO_LONG).reject(0, ErrorCode.BAD_TEXT).deliverBatch();

    assertThat(room.received(0))
        .containsExactly(
            "ERR too_long line longer than 4096 bytes; it was discarded",
            "ERR bad_text text must be valid UTF-8 with no control characters but TAB");
  }

  @Test
  void shouldReleaseEventAndFlushBatchEvenWhenHandlingThrows() {
    room.close();
    room =
        new RoomHarness(
            2,
            1000,
            event -> {
              if (event.kind() == EventKind.WHO) {
                throw new IllegalStateException("injected");
              }
            });
    room.join(0, "a").join(1, "b").deliverBatch();
    drainAll();

    room.send(0, "before");
    assertThatThrownBy(() -> room.who(1).deliverBatch()).hasRootCauseMessage("injected");

    assertThat(room.received(1)).containsExactly("MSG a before");
  }

  private void drainAll() {
    room.drainAll();
  }
}
