package dev.mirror.client.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A point in time computed from a timeout, on {@link System#nanoTime()} (never the wall clock, which may jump).
 * Timeouts too long for a {@code long} of nanoseconds (about 292 years) are treated as that maximum. Immutable.
 */
public final class Deadline {
  private final Duration timeout;
  private final long startNanos;
  private final long timeoutNanos;

  private Deadline(Duration timeout) {
    this.timeout = timeout;
    this.startNanos = System.nanoTime();
    this.timeoutNanos = saturatedNanos(timeout);
  }

  /**
   * Starts a deadline {@code timeout} from now.
   *
   * @param timeout zero or positive
   * @return the deadline
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  public static Deadline after(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be zero or positive, but was '" + timeout + "'");
    }
    return new Deadline(timeout);
  }

  /** Returns the timeout this deadline was started with, for messages. */
  public Duration timeout() {
    return timeout;
  }

  /** Returns the time left, zero once the deadline has passed. */
  public Duration remaining() {
    return Duration.ofNanos(remainingNanos());
  }

  /** Returns the whole milliseconds left, zero once the deadline has passed. */
  public long remainingMillis() {
    return TimeUnit.NANOSECONDS.toMillis(remainingNanos());
  }

  /** Returns the nanoseconds left, zero once the deadline has passed. */
  public long remainingNanos() {
    long elapsed = System.nanoTime() - startNanos;
    return Math.max(0, timeoutNanos - elapsed);
  }

  /** Returns whether the deadline has passed (or the timeout was zero). */
  public boolean expired() {
    return remainingNanos() == 0;
  }

  /** Returns the milliseconds since the deadline was started. */
  public long elapsedMillis() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
