package dev.mirror.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirror.bench.Bench.Contestant;
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
}
