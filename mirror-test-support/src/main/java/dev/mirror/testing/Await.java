package dev.mirror.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.apache.kafka.common.errors.InterruptException;
import org.jspecify.annotations.Nullable;

/**
 * Bounded waits for tests: re-run a check until it passes or a deadline passes, never a fixed sleep.
 *
 * <pre>{@code
 * Await.until(Duration.ofSeconds(30), () ->
 *     assertThat(KafkaTestData.topics(backup)).contains("primary.orders"));
 * }</pre>
 *
 * <p>The check runs at once, then every {@link #POLL_INTERVAL} until it passes or the timeout has elapsed,
 * and once more at the deadline if a poll interval would overshoot it. On timeout the last failure is
 * rethrown as an {@link AssertionError} whose message names the timeout and carries the last failure's
 * message, with the last failure as its cause. A check that throws neither an {@link AssertionError} nor an
 * {@link Exception} (another {@link Error}) is not retried.
 *
 * <p>This class is thread-safe and stateless.
 */
public final class Await {

  /** Time between two runs of a check. */
  public static final Duration POLL_INTERVAL = Duration.ofMillis(50);

  private Await() {
  }

  /**
   * A block of assertions that may throw any exception; lambdas of AssertJ calls fit.
   */
  @FunctionalInterface
  public interface ThrowingRunnable {
    /**
     * Runs the block.
     *
     * @throws Exception any failure, which makes {@link Await} run the block again
     */
    void run() throws Exception;
  }

  /**
   * Runs {@code assertion} until it completes without throwing, for at most {@code timeout}.
   *
   * @param timeout how long to keep trying; must be positive
   * @param assertion the check, typically AssertJ assertions; it runs at least once
   * @throws AssertionError if the check still fails when the timeout has elapsed; the message names the
   *     timeout and the cause is the last failure
   * @throws IllegalArgumentException if {@code timeout} is zero or negative
   * @throws org.apache.kafka.common.errors.InterruptException if the thread is interrupted while waiting
   *     (the interrupt flag is set again)
   */
  public static void until(Duration timeout, ThrowingRunnable assertion) {
    Objects.requireNonNull(assertion, "assertion");
    until(timeout, () -> {
      assertion.run();
      return Boolean.TRUE;
    }, "condition");
  }

  /**
   * Gets values from {@code supplier} until one matches {@code condition}, for at most {@code timeout}, and
   * returns that value.
   *
   * <pre>{@code
   * Map<TopicPartition, Long> ends = Await.until(Duration.ofSeconds(30),
   *     () -> KafkaTestData.endOffsets(backup, topic),
   *     offsets -> offsets.values().stream().mapToLong(Long::longValue).sum() == 100);
   * }</pre>
   *
   * @param timeout how long to keep trying; must be positive
   * @param supplier produces the value to test; an exception it throws counts as a miss
   * @param condition the test the value must pass
   * @param <T> the type of the value
   * @return the first value that passed {@code condition}
   * @throws AssertionError if no value passed when the timeout has elapsed; the message names the timeout and
   *     the last value seen (or the last exception, as cause)
   * @throws IllegalArgumentException if {@code timeout} is zero or negative
   * @throws org.apache.kafka.common.errors.InterruptException if the thread is interrupted while waiting
   */
  public static <T> T until(Duration timeout, Supplier<T> supplier, Predicate<? super T> condition) {
    Objects.requireNonNull(supplier, "supplier");
    Objects.requireNonNull(condition, "condition");
    return until(timeout, () -> {
      T value = supplier.get();
      if (!condition.test(value)) {
        throw new AssertionError("last value did not match the condition: " + value);
      }
      return value;
    }, "value");
  }

  private interface Attempt<T> {
    T get() throws Exception;
  }

  private static <T> T until(Duration timeout, Attempt<T> attempt, String what) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be positive, but was " + timeout);
    }
    long startNanos = System.nanoTime();
    long deadlineNanos = startNanos + timeout.toNanos();
    long pollNanos = POLL_INTERVAL.toNanos();
    // The count bound is a second safety net next to the deadline: one more attempt than the deadline allows.
    long maxAttempts = timeout.toNanos() / pollNanos + 2;
    @Nullable Throwable lastFailure = null;
    for (long n = 0; n < maxAttempts; n++) {
      try {
        return attempt.get();
      } catch (AssertionError | Exception e) {
        if (e instanceof InterruptedException) {
          throw new InterruptException((InterruptedException) e);
        }
        lastFailure = e;
      }
      long remainingNanos = deadlineNanos - System.nanoTime();
      if (remainingNanos <= 0) {
        break;
      }
      sleep(Math.min(pollNanos, remainingNanos));
    }
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    throw new AssertionError(
        what + " not met within " + timeout + " (waited " + elapsedMillis + " ms): "
            + (lastFailure == null ? "no attempt finished" : describe(lastFailure)),
        lastFailure);
  }

  private static String describe(Throwable failure) {
    String message = failure.getMessage();
    if (failure instanceof AssertionError && message != null) {
      return message.strip();
    }
    return failure.toString();
  }

  private static void sleep(long nanos) {
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      throw new InterruptException(e);
    }
  }
}
