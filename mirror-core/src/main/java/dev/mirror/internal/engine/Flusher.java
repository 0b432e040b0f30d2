package dev.mirror.internal.engine;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;

/**
 * Flushes a producer on a thread of its own whenever asked, so the thread that asks never waits for the target.
 *
 * <p>A copy thread that has read everything the source holds wants its last records sent at once rather than
 * after the producer's linger; {@link Producer#flush()} does that but blocks until the target acknowledged
 * them, a round trip in which the copy thread could have fetched and sent the next records. While a flush is in
 * progress the producer sends every batch as soon as it can, so what the copy thread sends meanwhile goes out
 * without linger too. Requests made during a flush are merged into one more flush after it.
 */
final class Flusher implements AutoCloseable {
  private static final long IDLE_WAIT_MILLIS = 1_000;

  private final Producer<?, ?> producer;
  private final Logger log;
  private final Semaphore requests = new Semaphore(0);
  private final Thread thread;
  private volatile boolean closed;

  Flusher(Producer<?, ?> producer, String threadName, Logger log) {
    this.producer = producer;
    this.log = log;
    this.thread = new Thread(this::run, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  /** Asks for a flush as soon as the one in progress, if any, has ended; does not wait. */
  void request() {
    if (requests.availablePermits() == 0) {
      requests.release();
    }
  }

  private void run() {
    while (!closed) {
      try {
        if (!requests.tryAcquire(IDLE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
          continue;
        }
        requests.drainPermits();
        producer.flush();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // The copy thread sees send failures in its callbacks; a flush only hurries the sends along.
        if (!closed) {
          log.debug("flush of the copy producer failed", e);
        }
      }
    }
  }

  /** Stops the thread, waiting at most {@code timeout} for a flush in progress. */
  void close(Duration timeout) {
    closed = true;
    requests.release();
    try {
      thread.join(Math.max(1, timeout.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      thread.interrupt();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  boolean isAlive() {
    return thread.isAlive();
  }
}
