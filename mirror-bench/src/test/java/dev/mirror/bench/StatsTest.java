package dev.mirror.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StatsTest {

  @Test
  void oddCountTakesTheMiddleValue() {
    Stats s = Stats.of(3.0, 1.0, 2.0);
    assertThat(s.median()).isEqualTo(2.0);
    assertThat(s.min()).isEqualTo(1.0);
    assertThat(s.max()).isEqualTo(3.0);
    assertThat(s.count()).isEqualTo(3);
  }

  @Test
  void evenCountAveragesTheTwoMiddleValues() {
    assertThat(Stats.of(4.0, 1.0, 2.0, 3.0).median()).isEqualTo(2.5);
  }

  @Test
  void missingValuesAreLeftOut() {
    Stats s = Stats.of(Arrays.asList(Double.NaN, 5.0, null, 7.0));
    assertThat(s.count()).isEqualTo(2);
    assertThat(s.median()).isEqualTo(6.0);
    assertThat(Stats.of().present()).isFalse();
    assertThat(Stats.of().median()).isNaN();
  }

  @Test
  void ratioOfMedians() {
    assertThat(Stats.of(10.0, 20.0, 30.0).ratioTo(Stats.of(10.0))).isEqualTo(2.0);
    assertThat(Stats.of(1.0).ratioTo(Stats.of(0.0))).isNaN();
    assertThat(Stats.of(1.0).ratioTo(Stats.of())).isNaN();
  }

  @Test
  void nearestRankPercentiles() {
    long[] hundred = new long[100];
    for (int i = 0; i < 100; i++) {
      hundred[i] = i + 1;
    }
    assertThat(Stats.percentile(hundred, 0.50)).isEqualTo(50.0);
    assertThat(Stats.percentile(hundred, 0.99)).isEqualTo(99.0);
    assertThat(Stats.percentile(hundred, 1.0)).isEqualTo(100.0);
    assertThat(Stats.percentile(new long[] {7}, 0.99)).isEqualTo(7.0);
  }
}
