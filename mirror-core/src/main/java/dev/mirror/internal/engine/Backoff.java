package dev.mirror.internal.engine;

/**
 * Pauses between the attempts of a wait for the clusters (a topic just created becoming visible, its leaders
 * serving): short at first, as such waits are usually over within a few milliseconds on a start's critical
 * path, then longer, up to {@link #MAX_MILLIS}, so a slow cluster is not asked more than ten times a second.
 */
final class Backoff {
  /** The longest pause. */
  static final long MAX_MILLIS = 100;
  private static final long FIRST_MILLIS = 5;

  private Backoff() {}

  /** The pause before attempt {@code attempt} (1 for the second attempt): 5, 10, 20, 40, 80, 100, 100 ... ms. */
  static long millis(int attempt) {
    if (attempt <= 0) {
      return 0;
    }
    return Math.min(MAX_MILLIS, FIRST_MILLIS << Math.min(attempt - 1, 10));
  }

  /** Sleeps {@link #millis(int)} before attempt {@code attempt}. */
  static void pause(int attempt) throws InterruptedException {
    Thread.sleep(millis(attempt));
  }

  /**
   * As {@link #pause}, for code that Kafka's clients call or that runs as they do: an interrupt keeps the thread's
   * interrupt status and is thrown as Kafka's unchecked {@link org.apache.kafka.common.errors.InterruptException}.
   */
  static void pauseOrInterrupt(int attempt) {
    try {
      pause(attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new org.apache.kafka.common.errors.InterruptException(e);
    }
  }
}
