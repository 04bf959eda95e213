package io.ringchat.broker.room;

import io.ringchat.protocol.JoinPosition;
import java.util.function.LongSupplier;

/**
 * The room's numbering and history, as inputs (protocol version 1.1): the room itself keeps no
 * clock and draws no random numbers, so the same inputs give the same output.
 *
 * @param epoch the name of this numbering of the room ({@link JoinPosition#isEpoch})
 * @param messages keep at most this many messages ({@code --history}; 0 keeps none)
 * @param bytes and at most this many bytes of their {@code POST} lines ({@code --history-bytes})
 * @param clock the room's clock: milliseconds since 1970, read once per message (the room keeps the
 *     times it hands out from going backwards)
 */
public record HistoryOptions(String epoch, int messages, long bytes, LongSupplier clock) {
  /** No history kept; the epoch and clock are placeholders (no positioned member is expected). */
  public static final HistoryOptions NONE = new HistoryOptions("0", 0, 0, () -> 0L);

  public HistoryOptions {
    if (!JoinPosition.isEpoch(epoch)) {
      throw new IllegalArgumentException("an epoch is 1 to 16 of 0-9a-z, got '" + epoch + "'");
    }
    if (messages < 0 || bytes < 0) {
      throw new IllegalArgumentException("history limits are 0 or more");
    }
  }
}
