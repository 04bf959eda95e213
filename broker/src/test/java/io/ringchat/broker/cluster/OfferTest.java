package io.ringchat.broker.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aeron.Publication;
import java.util.ArrayDeque;
import java.util.Arrays;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class OfferTest {
  private final UnsafeBuffer message = new UnsafeBuffer(new byte[16]);

  /** Answers each offer with the next of the results given, the last one for ever after. */
  private static final class Answers implements Offer.Aeron {
    private final ArrayDeque<Long> results;
    int offers;

    Answers(Long... results) {
      this.results = new ArrayDeque<>(Arrays.asList(results));
    }

    @Override
    public long offer(org.agrona.DirectBuffer buffer, int offset, int length) {
      offers++;
      return results.size() > 1 ? results.poll() : results.peek();
    }
  }

  @Test
  void aTermThatJustRotatedTakesTheMessageAtTheNextAttempt() {
    Answers aeron = new Answers(Publication.ADMIN_ACTION, 4_096L);

    assertTrue(Offer.taken(aeron, message, 0, 16));
    assertEquals(2, aeron.offers);
  }

  @Test
  void anOfferMadeFromAeronsRetriesAsWell() {
    Answers aeron = new Answers(Publication.ADMIN_ACTION, Publication.ADMIN_ACTION, 64L);

    assertTrue(Offer.retrying(aeron).offer(message, 0, 16));
    assertEquals(3, aeron.offers);
  }

  @Test
  void backPressureIsNotRetried() {
    Answers aeron = new Answers(Publication.BACK_PRESSURED);

    assertFalse(Offer.taken(aeron, message, 0, 16));
    assertEquals(1, aeron.offers);
  }

  @Test
  void anAdminActionThatGoesOnIsGivenUpAfterAFewAttempts() {
    Answers aeron = new Answers(Publication.ADMIN_ACTION);

    assertFalse(Offer.taken(aeron, message, 0, 16));
    assertEquals(1 + Offer.ADMIN_ACTION_RETRIES, aeron.offers);
  }

  @Test
  void aNotConnectedSessionTakesNothing() {
    Answers aeron = new Answers(Publication.NOT_CONNECTED);

    assertFalse(Offer.taken(aeron, message, 0, 16));
    assertEquals(1, aeron.offers);
  }
}
