package io.ringchat.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Schedules: a seed gives one sequence of faults; a random run kills every member leading. */
class ScheduleTest {
  private static List<Step> steps(Schedule schedule, int count, long elapsedMillis) {
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      steps.add(schedule.next(new Schedule.Progress(elapsedMillis, 3, Set.of())));
    }
    return steps;
  }

  @Test
  void shouldDrawTheSameFaultsFromTheSameSeedAndOthersFromAnother() {
    List<Step> first = steps(Schedule.named("random", 42, 60_000, true, true), 40, 0);
    assertThat(steps(Schedule.named("random", 42, 60_000, true, true), 40, 0)).isEqualTo(first);
    assertThat(steps(Schedule.named("random", 43, 60_000, true, true), 40, 0)).isNotEqualTo(first);
    assertThat(first)
        .as("every kind of fault, each followed by a quiet gap")
        .hasAtLeastOneElementOfType(Step.Kill.class)
        .hasAtLeastOneElementOfType(Step.Pause.class)
        .hasAtLeastOneElementOfType(Step.Partition.class)
        .hasAtLeastOneElementOfType(Step.RollingRestart.class)
        .hasAtLeastOneElementOfType(Step.Quiet.class);
  }

  @Test
  void shouldPauseForShorterAndLongerThanTheTimeoutsAndCutOffOnlyWherePossible() {
    List<Step> steps = steps(Schedule.named("random", 7, 60_000, false, true), 200, 0);
    assertThat(steps).noneMatch(s -> s instanceof Step.Partition);
    assertThat(
            steps.stream().filter(s -> s instanceof Step.Pause).map(s -> ((Step.Pause) s).millis()))
        .allMatch(ms -> ms >= 500 && ms <= 8_000)
        .anyMatch(ms -> ms < 1_000)
        .anyMatch(ms -> ms > 3_000);
  }

  @Test
  void shouldGoOnPastTheDurationKillingLeadersUntilEveryMemberWasKilledLeading() {
    Schedule schedule = Schedule.named("random", 1, 1_000, true, true);
    Step next = schedule.next(new Schedule.Progress(5_000, 3, Set.of(0, 1)));
    if (next instanceof Step.Quiet) {
      next = schedule.next(new Schedule.Progress(5_000, 3, Set.of(0, 1)));
    }
    assertThat(next).isInstanceOf(Step.Kill.class);
    assertThat(((Step.Kill) next).target()).isEqualTo(Step.Target.LEADER);
    assertThat(schedule.next(new Schedule.Progress(5_000, 3, Set.of(0, 1, 2)))).isNull();
    assertThat(
            Schedule.named("random", 1, 1_000, true, false)
                .next(new Schedule.Progress(5_000, 3, Set.of())))
        .as("--no-every-leader: done at the duration")
        .isNull();
  }

  @Test
  void shouldKillTheLeaderOnceInEachFixedSequenceAndRefuseAnUnknownName() {
    List<String> sequences =
        List.of("leader-kill", "followers-then-leader", "follower-twice-then-leader");
    List<Step> each = new ArrayList<>();
    for (String name : sequences) {
      List<Step> steps = steps(name);
      assertThat(steps)
          .as(name)
          .filteredOn(s -> s instanceof Step.Kill k && k.target() == Step.Target.LEADER)
          .hasSize(1);
      each.addAll(steps);
    }
    // leader-kills (ClusterFaultsIT's) is the three in a row, a quiet gap before the third.
    List<Step> all = steps("leader-kills");
    assertThat(all).hasSize(each.size() + 1).containsAll(each);
    assertThat(all)
        .filteredOn(s -> s instanceof Step.Kill k && k.target() == Step.Target.LEADER)
        .hasSize(3);
    assertThatThrownBy(() -> Schedule.named("chaos", 0, 0, false, false))
        .hasMessageContaining("--schedule must be random or one of");
  }

  private static List<Step> steps(String name) {
    List<Step> steps = new ArrayList<>();
    Schedule schedule = Schedule.named(name, 0, 0, false, false);
    for (Step s = schedule.next(null); s != null; s = schedule.next(null)) {
      steps.add(s);
    }
    return steps;
  }
}
