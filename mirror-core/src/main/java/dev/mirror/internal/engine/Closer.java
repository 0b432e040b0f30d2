package dev.mirror.internal.engine;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;

/**
 * Closes Kafka clients in reverse order of creation, each within a bound. The clients' own close() waits
 * without limit for pending requests (an admin call to an unreachable cluster, sends to a target that is
 * down); a flow must never hang there. Closing a producer early loses nothing: positions advance only on
 * acknowledgements.
 */
final class Closer implements AutoCloseable {
  private final Deque<Runnable> closers = new ArrayDeque<>();
  private final Duration bound;
  private final Logger log;

  Closer(Duration bound, Logger log) {
    this.bound = bound;
    this.log = log;
  }

  Admin admin(Admin admin) {
    closers.push(() -> admin.close(bound));
    return admin;
  }

  <K, V> Consumer<K, V> consumer(Consumer<K, V> consumer) {
    closers.push(() -> consumer.close(CloseOptions.timeout(bound)));
    return consumer;
  }

  <K, V> Producer<K, V> producer(Producer<K, V> producer) {
    closers.push(() -> producer.close(bound));
    return producer;
  }

  /** Closes {@code closeable} with the clients, in the same reverse order. */
  <T extends AutoCloseable> T other(T closeable) {
    closers.push(() -> {
      try {
        closeable.close();
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    return closeable;
  }

  @Override
  public void close() {
    while (!closers.isEmpty()) {
      try {
        closers.pop().run();
      } catch (RuntimeException e) {
        log.debug("error while closing a client", e);
      }
    }
  }
}
