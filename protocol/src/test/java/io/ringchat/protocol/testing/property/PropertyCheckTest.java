package io.ringchat.protocol.testing.property;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The engine itself: it runs every try, finds a planted bug, shrinks it, and replays by seed. */
class PropertyCheckTest {
  private static final Gen<List<Integer>> LISTS = Gen.listOf(Gen.ints(0, 100), 30);

  @Test
  void shouldRunEveryTryOfAPropertyThatHolds() {
    AtomicInteger runs = new AtomicInteger();
    PropertyCheck.forAll(LISTS)
        .tries(300)
        .seed(1)
        .check(
            list -> {
              runs.incrementAndGet();
              assertThat(list).hasSizeLessThanOrEqualTo(30).allMatch(i -> i >= 0 && i <= 100);
            });
    assertThat(runs).hasValue(300);
  }

  @Test
  void shouldShrinkAFailureToTheSmallestCase() {
    // Fails once three elements are at least 50: the smallest such list is [50, 50, 50].
    assertThatThrownBy(
            () ->
                PropertyCheck.forAll(LISTS)
                    .tries(1000)
                    .seed(7)
                    .check(
                        list -> assertThat(list.stream().filter(i -> i >= 50)).hasSizeLessThan(3)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("seed 7 (replay: -Dproperty.seed=7)")
        .hasMessageContaining("shrunk in")
        .hasMessageContaining("to: [50, 50, 50]\n");
  }

  @Test
  void shouldShrinkStringsToTheCharacterThatMatters() {
    assertThatThrownBy(
            () ->
                PropertyCheck.forAll(Gen.strings(Gen.anyChar(), 40))
                    .tries(2000)
                    .seed(3)
                    .check(text -> assertThat(text).doesNotContain("\u001b")))
        .hasMessageContaining("to: \"\\u001b\"\n");
  }

  @Test
  void shouldReplayTheSameFailureFromTheSameSeed() {
    List<String> reports = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      try {
        PropertyCheck.forAll(Gen.utf8ish(12))
            .tries(500)
            .seed(11)
            .check(bytes -> assertThat(bytes).hasSizeLessThan(5));
      } catch (AssertionError e) {
        reports.add(e.getMessage());
      }
    }
    assertThat(reports).hasSize(2);
    assertThat(reports.get(0)).isEqualTo(reports.get(1)).contains("(5 bytes)");
  }

  @Test
  void shouldCountAnExceptionAsAFailureAndKeepItAsTheCause() {
    assertThatThrownBy(
            () ->
                PropertyCheck.forAll(Gen.ints(0, 1000))
                    .tries(500)
                    .seed(5)
                    .check(
                        i -> {
                          if (i > 600) {
                            throw new IllegalStateException("too big: " + i);
                          }
                        }))
        .hasMessageContaining("to: 601\n")
        .hasCauseInstanceOf(IllegalStateException.class)
        .cause()
        .hasMessage("too big: 601");
  }

  @Test
  void shouldDeleteListElementsThatDoNotMatter() {
    // Fails when some element is 77: whatever came around it goes.
    assertThatThrownBy(
            () ->
                PropertyCheck.forAll(LISTS)
                    .tries(2000)
                    .seed(13)
                    .check(list -> assertThat(list).doesNotContain(77)))
        .hasMessageContaining("to: [77]\n");
  }
}
