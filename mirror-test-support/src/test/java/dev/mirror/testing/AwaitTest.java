package dev.mirror.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.errors.InterruptException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AwaitTest {

  @Test
  void until_assertionPassesOnThirdRun_returnsAfterThreeRuns() {
    AtomicInteger runs = new AtomicInteger();

    Await.until(Duration.ofSeconds(5), () -> assertThat(runs.incrementAndGet()).isEqualTo(3));

    assertThat(runs).hasValue(3);
  }

  @Test
  void until_assertionNeverPasses_rethrowsLastFailureNamingTheTimeout() {
    AtomicInteger runs = new AtomicInteger();
    long startNanos = System.nanoTime();

    assertThatThrownBy(() -> Await.until(Duration.ofMillis(300),
            () -> assertThat(runs.incrementAndGet()).as("run").isNegative()))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("condition not met within PT0.3S (waited ")
        .hasMessageContaining("[run]")
        .hasMessageContaining("Expecting actual:\n  " + runs.get())
        .cause()
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("[run]");
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    assertThat(elapsedMillis).isBetween(300L, 3_000L);
    assertThat(runs.get()).isBetween(2, 8);
  }

  @Test
  void until_blockThrowsCheckedException_retriesAndKeepsItAsCause() {
    assertThatThrownBy(() -> Await.until(Duration.ofMillis(100), () -> {
      throw new IOException("not yet");
    }))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("condition not met within PT0.1S")
        .hasMessageEndingWith("java.io.IOException: not yet")
        .hasCauseInstanceOf(IOException.class);
  }

  @Test
  void until_supplierMatchesOnSecondValue_returnsThatValue() {
    AtomicInteger values = new AtomicInteger();

    int value = Await.until(Duration.ofSeconds(5), values::incrementAndGet, v -> v >= 2);

    assertThat(value).isEqualTo(2);
  }

  @Test
  void until_supplierNeverMatches_failsWithLastValue() {
    assertThatThrownBy(() -> Await.until(Duration.ofMillis(100), () -> "stale", v -> v.equals("fresh")))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("value not met within PT0.1S")
        .hasMessageEndingWith("last value did not match the condition: stale");
  }

  @Test
  void until_zeroTimeout_throwsIllegalArgument() {
    assertThatThrownBy(() -> Await.until(Duration.ZERO, () -> { }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout must be positive, but was PT0S");
  }

  @Test
  void until_interrupted_throwsInterruptExceptionAndKeepsFlag() {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> Await.until(Duration.ofSeconds(5), () -> assertThat(false).isTrue()))
          .isInstanceOf(InterruptException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
