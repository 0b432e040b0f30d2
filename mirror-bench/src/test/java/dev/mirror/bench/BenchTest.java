package dev.mirror.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirror.bench.Bench.Contestant;
import dev.mirror.bench.Bench.Figure;
import dev.mirror.bench.Bench.Result;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchTest {

  @Test
  void fiveRoundsByDefaultThreeWhenQuickAndAsGiven() {
    assertThat(Bench.Options.parse(new String[0]).rounds).isEqualTo(5);
    assertThat(Bench.Options.parse(new String[] {"--quick"}).rounds).isEqualTo(3);
    assertThat(Bench.Options.parse(new String[] {"--quick", "--rounds", "7"}).rounds).isEqualTo(7);
  }

  @Test
  void roundsReverseTheOrderEveryOtherRound() {
    List<Contestant> given = List.of(Contestant.MIRROR, Contestant.MM2, Contestant.BARE);
    assertThat(Bench.roundOrder(given, 1)).containsExactly(Contestant.MIRROR, Contestant.MM2, Contestant.BARE);
    assertThat(Bench.roundOrder(given, 2)).containsExactly(Contestant.BARE, Contestant.MM2, Contestant.MIRROR);
    assertThat(Bench.roundOrder(given, 3)).containsExactly(Contestant.MIRROR, Contestant.MM2, Contestant.BARE);
    assertThat(given).containsExactly(Contestant.MIRROR, Contestant.MM2, Contestant.BARE);
  }

  @Test
  void warmUpRoundsDefaultToTwoAndCanBeTurnedOff() {
    assertThat(Bench.Options.parse(new String[0]).warmUpRounds).isEqualTo(2);
    assertThat(Bench.Options.parse(new String[] {"--warm-up-rounds", "5"}).warmUpRounds).isEqualTo(5);
    assertThat(Bench.Options.parse(new String[] {"--no-warm-up"}).warmUpRounds).isZero();
    assertThatThrownBy(() -> Bench.Options.parse(new String[] {"--warm-up-rounds", "-1"}))
        .hasMessageContaining("--warm-up-rounds must be 0..20");
  }

  @Test
  void pairedRatiosDivideWithinARoundAndSkipRoundsEitherFailed() {
    List<Result> results = List.of(
        result(Contestant.MIRROR, 1, true, 90), result(Contestant.BARE, 1, true, 100),
        result(Contestant.MIRROR, 2, true, 200), result(Contestant.BARE, 2, true, 160),
        result(Contestant.MIRROR, 3, true, 50), result(Contestant.BARE, 3, false, 10),
        result(Contestant.MIRROR, 4, false, 10), result(Contestant.BARE, 4, true, 50),
        result(Contestant.MIRROR, 5, true, 100), result(Contestant.BARE, 5, true, 100));
    Stats paired = Bench.Report.pairedRatio(results, Contestant.MIRROR, Contestant.BARE, Figure.RECORDS_PER_S);
    assertThat(paired.count()).isEqualTo(3);
    assertThat(paired.median()).isEqualTo(1.0);
    assertThat(paired.min()).isEqualTo(0.9);
    assertThat(paired.max()).isEqualTo(1.25);
  }

  private static Result result(Contestant c, int round, boolean completed, double recordsPerSecond) {
    return new Result(c, round, completed, "", 1, recordsPerSecond, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  @Test
  void everyContestantRacesByDefault_andNamedOnesInRaceOrder() {
    assertThat(Bench.Options.parse(new String[0]).contestants).containsExactly(Contestant.values());
    assertThat(Bench.Options.parse(new String[] {"--contestants", "bare,mirror-records"}).contestants)
        .containsExactly(Contestant.MIRROR_RECORDS, Contestant.BARE);
  }
}
