package io.ringchat.broker.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.ringchat.broker.stats.BrokerCounters;
import io.ringchat.protocol.ErrorCode;
import io.ringchat.protocol.Names;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The room's rules, driven through its typed calls with no Netty channel, ring or thread. */
class RoomTest {
  private RoomHarness room = new RoomHarness(1000);

  @Test
  void shouldWelcomeJoinerWithCountAndAnnounceItToOthers() {
    room.join(0, "alice").endBatch();
    room.join(1, "Bob").endBatch();

    assertThat(room.received(0)).containsExactly("WELCOME alice 1", "JOINED Bob");
    assertThat(room.received(1)).containsExactly("WELCOME Bob 2");
  }

  @Test
  void shouldRefuseDuplicateNameIgnoringCaseAndComposition() {
    room.join(0, "Zo\u00EB").join(1, "zoe\u0308").join(2, "ZOË").endBatch();

    assertThat(room.received(1)).singleElement().asString().startsWith("ERR name_taken ");
    assertThat(room.received(2)).singleElement().asString().startsWith("ERR name_taken ");
    assertThat(room.room.memberCount()).isEqualTo(1);
  }

  @Test
  void shouldSendMessagesToEveryMemberButTheSender() {
    room.join(0, "a").join(1, "b").join(2, "c").endBatch();
    drainAll();

    room.send(0, "hello").endBatch();

    assertThat(room.received(0)).isEmpty();
    assertThat(room.received(1)).containsExactly("MSG a hello");
    assertThat(room.received(2)).containsExactly("MSG a hello");
    assertThat(room.received(3)).as("not a member").isEmpty();
  }

  @Test
  void shouldKeepRoomOrderAndSkipOwnLinesInsideOneCoalescedSegment() {
    room.join(0, "a").join(1, "b").join(2, "c").endBatch();
    drainAll();

    room.send(0, "1").send(1, "2").send(0, "3").send(0, "4").send(2, "5").send(1, "6").endBatch();

    assertThat(room.received(0)).containsExactly("MSG b 2", "MSG c 5", "MSG b 6");
    assertThat(room.received(1)).containsExactly("MSG a 1", "MSG a 3", "MSG a 4", "MSG c 5");
    assertThat(room.received(2))
        .containsExactly("MSG a 1", "MSG b 2", "MSG a 3", "MSG a 4", "MSG b 6");
  }

  @Test
  void shouldCoalesceABatchIntoOneWritePerMemberThatSentNothing() {
    room.join(0, "a").join(1, "b").endBatch();
    drainAll();

    for (int i = 0; i < 100; i++) {
      room.send(0, "m" + i);
    }
    room.endBatch();

    assertThat(room.writesTo(1)).isEqualTo(1);
  }

  @Test
  void shouldKeepTheSegmentOpenAcrossBatchesWhileEveryWriterIsBusy() {
    room.join(0, "a").join(1, "b").join(2, "c").endBatch();
    drainAll();

    room.out.busy = true;
    room.send(0, "1").endBatch();
    room.send(0, "2").endBatch();
    room.send(2, "3").endBatch();
    assertThat(room.writesTo(1)).as("held back while busy").isZero();

    room.out.busy = false;
    room.endBatch(); // the writer woke the room: an empty ring batch ends

    assertThat(room.received(1)).containsExactly("MSG a 1", "MSG a 2", "MSG c 3");
    room.send(0, "4").endBatch();
    assertThat(room.received(2)).containsExactly("MSG a 1", "MSG a 2", "MSG a 4");
  }

  @Test
  void shouldMergeHeldBackBatchesIntoOneWritePerMember() {
    room.join(0, "a").join(1, "b").join(2, "c").endBatch();
    drainAll();

    room.out.busy = true;
    room.send(0, "1").endBatch();
    room.send(2, "2").endBatch();
    room.out.busy = false;
    room.endBatch();

    assertThat(room.writesTo(1)).as("one slice for both batches").isEqualTo(1);
  }

  @Test
  void shouldHandEverythingOverOnShutdownEvenWhileWritersAreBusy() {
    room.join(0, "a").join(1, "b").endBatch();
    drainAll();
    room.out.busy = true;
    room.send(0, "1").endBatch();

    room.room.onShutdown();

    assertThat(room.received(1)).containsExactly("MSG a 1");
    room.out.busy = false;
    room.send(0, "after").join(2, "late").endBatch();
    assertThat(room.received(1)).as("nothing after shutdown").isEmpty();
    assertThat(room.received(2)).isEmpty();
  }

  @Test
  void shouldTellTheWriterWhoJoinedBeforeTheirWelcome() {
    room.join(0, "a").join(1, "a").endBatch();

    assertThat(room.out.joined).containsExactly(RoomHarness.id(0));
    assertThat(room.out.log.subList(0, 2))
        .containsExactly(RoomHarness.id(0) + " joined", RoomHarness.id(0) + " <- WELCOME a 1\n");
  }

  @Test
  void shouldPreserveTextVerbatim() {
    room.join(0, "a").join(1, "b").endBatch();
    drainAll();

    room.send(0, "  spaced\tout  ").endBatch();

    assertThat(room.received(1)).containsExactly("MSG a   spaced\tout  ");
  }

  @Test
  void shouldListMembersForWhoAndRefuseWhoBeforeJoin() {
    room.who(0).join(0, "a").join(1, "b").who(0).endBatch();

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
  void shouldListAManyMembersWhoInFramesOfAtMostASegmentInOrder() {
    // A clustered room sends each frame as one egress message, which must fit Aeron's largest.
    RecordingOutbound out = new RecordingOutbound();
    Room small = new Room(ByteBufAllocator.DEFAULT, out, new BrokerCounters(), 0, 4096, 200);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      small.onJoin(1_000 + i, Names.parse("member-" + i).name());
      expected.add("MEMBER member-" + i);
    }
    small.endBatch();
    out.takeLines(1_000);
    out.log.clear();

    small.onWho(1_000);
    small.endBatch();

    List<String> frames =
        out.log.stream().filter(l -> l.startsWith("1000 <- ")).map(l -> l.substring(8)).toList();
    assertThat(frames.size()).as("several frames").isGreaterThan(3);
    assertThat(frames).allSatisfy(f -> assertThat(f.length()).isLessThanOrEqualTo(200));
    assertThat(frames).allSatisfy(f -> assertThat(f).endsWith("\n"));
    expected.add("MEMBERS 50");
    assertThat(out.takeLines(1_000)).containsExactlyElementsOf(expected);
  }

  @Test
  void shouldRefuseSendBeforeJoinAndSecondJoin() {
    room.send(0, "x").join(0, "a").join(0, "b").endBatch();

    assertThat(room.received(0))
        .containsExactly(
            "ERR not_joined JOIN <name> first",
            "WELCOME a 1",
            "ERR already_joined this connection has already joined");
  }

  @Test
  void shouldAnswerPingWithTokenJoinedOrNot() {
    room.ping(0, null).ping(0, " tok ").endBatch();

    assertThat(room.received(0)).containsExactly("PONG", "PONG  tok ");
  }

  @Test
  void shouldSayByeCloseAndAnnounceLeaveThenFreeTheName() {
    room.join(0, "a").join(1, "b").endBatch();
    drainAll();

    room.leave(0).endBatch();

    assertThat(room.received(0)).containsExactly("BYE");
    assertThat(room.isClosed(0)).isTrue();
    assertThat(room.received(1)).containsExactly("LEFT a");

    room.join(2, "A").endBatch();
    assertThat(room.received(2)).containsExactly("WELCOME A 2");
  }

  @Test
  void shouldFreeANameWhoseDisplayFormIsNotItsKey() {
    // "Zoë" is keyed by "zoë" (its own bytes are not the key's): leaving must free that key.
    room.join(0, "Zo\u00EB").join(1, "b").endBatch();
    drainAll();

    room.leave(0).endBatch();
    room.join(2, "ZOE\u0308").join(3, "zoë").endBatch();

    assertThat(room.received(2)).containsExactly("WELCOME ZO\u00CB 2");
    assertThat(room.received(3)).singleElement().asString().startsWith("ERR name_taken ");
  }

  @Test
  void shouldForgetDisconnectedMemberAndAnnounceIt() {
    room.join(0, "a").join(1, "b").endBatch();
    drainAll();

    room.disconnect(0).send(1, "anyone?").endBatch();

    assertThat(room.received(1)).containsExactly("LEFT a");
    assertThat(room.received(0)).isEmpty();
    assertThat(room.room.memberCount()).isEqualTo(1);
  }

  @Test
  void shouldFreeTheNameOfAConnectionThatDiedRightAfterItsJoin() {
    room.join(2, "watcher").endBatch();
    drainAll();

    room.join(0, "ghost").disconnect(0).endBatch();
    room.join(1, "ghost").endBatch();

    assertThat(room.received(1)).containsExactly("WELCOME ghost 2");
    assertThat(room.received(2)).containsExactly("JOINED ghost", "LEFT ghost", "JOINED ghost");
  }

  @Test
  void shouldRemoveSlowConsumerAndCountIt() {
    room.join(0, "slow").join(1, "b").endBatch();
    drainAll();

    room.evict(0).endBatch();

    assertThat(room.received(1)).containsExactly("LEFT slow");
    assertThat(room.counters.slowConsumers()).isEqualTo(1);
    assertThat(room.room.memberCount()).isEqualTo(1);
  }

  @Test
  void shouldStopPresenceNoticesAboveThePresenceLimit() {
    room = new RoomHarness(2);
    room.join(0, "a").join(1, "b").join(2, "c").endBatch();

    assertThat(room.received(0)).containsExactly("WELCOME a 1", "JOINED b");
    assertThat(room.received(2)).containsExactly("WELCOME c 3");

    room.leave(2).endBatch();
    assertThat(room.received(0)).as("3 members before the leave: above the limit").isEmpty();
    room.leave(1).endBatch();
    assertThat(room.received(0)).containsExactly("LEFT b");
  }

  @Test
  void shouldTurnPresenceOffWithZeroLimit() {
    room = new RoomHarness(0);
    room.join(0, "a").join(1, "b").endBatch();

    assertThat(room.received(0)).containsExactly("WELCOME a 1");
  }

  @Test
  void shouldReportRejectedLinesInOrder() {
    room.reject(0, ErrorCode.TOO_LONG).reject(0, ErrorCode.BAD_TEXT).endBatch();

    assertThat(room.received(0))
        .containsExactly(
            "ERR too_long line longer than 4096 bytes (the whole line, command word included);"
                + " it was discarded",
            "ERR bad_text text must be valid UTF-8 with no control characters but TAB");
  }

  private void drainAll() {
    room.drain(4);
  }
}
