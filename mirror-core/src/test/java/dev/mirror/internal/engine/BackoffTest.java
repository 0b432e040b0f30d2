package dev.mirror.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void firstAttemptDoesNotWait() {
    assertThat(Backoff.millis(0)).isZero();
  }

  @Test
  void pausesDoubleFromFiveMillisecondsUpToTheMaximum() {
    assertThat(new long[] {Backoff.millis(1), Backoff.millis(2), Backoff.millis(3), Backoff.millis(4),
        Backoff.millis(5), Backoff.millis(6)}).containsExactly(5, 10, 20, 40, 80, Backoff.MAX_MILLIS);
  }

  @Test
  void lateAttemptsStayAtTheMaximumWithoutOverflow() {
    assertThat(Backoff.millis(64)).isEqualTo(Backoff.MAX_MILLIS);
    assertThat(Backoff.millis(Integer.MAX_VALUE)).isEqualTo(Backoff.MAX_MILLIS);
  }

  @Test
  void fiftyAttemptsWaitAboutFiveSeconds() {
    long total = 0;
    for (int attempt = 0; attempt < 50; attempt++) {
      total += Backoff.millis(attempt);
    }
    // 155 ms for the first six, then 100 ms each: a wait that used to take 50 attempts of 100 ms
    assertThat(total).isBetween(4_000L, 5_000L);
  }
}
