package dev.mirror.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StartClockTest {

  @Test
  void summaryNamesEveryStepInOrderWithTheTotal() {
    StartClock clock = new StartClock();
    long until = System.nanoTime() + 5_000_000;
    while (System.nanoTime() < until) {
      Thread.onSpinWait(); // 5 ms pass in the first step
    }
    clock.lap("admin clients");
    clock.lap("state topic");

    String summary = clock.summary();

    assertThat(summary).matches("\\d+ ms \\(admin clients \\d+ ms, state topic \\d+ ms\\)");
    long total = Long.parseLong(summary.substring(0, summary.indexOf(' ')));
    assertThat(total).isGreaterThanOrEqualTo(5);
  }
}
