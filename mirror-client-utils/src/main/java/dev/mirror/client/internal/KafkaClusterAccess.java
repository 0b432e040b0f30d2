package dev.mirror.client.internal;

import dev.mirror.client.MirrorClientException;
import dev.mirror.client.MirrorTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ClusterAccess} on real Kafka clients: an {@link Admin} and a {@link KafkaConsumer}, each created on first
 * use, so a client that only translates offsets never starts an admin client and the other way round. Thread-safe.
 */
public final class KafkaClusterAccess implements ClusterAccess {
  private static final Logger log = LoggerFactory.getLogger(KafkaClusterAccess.class);

  /** Extra time for a future after the admin call's own timeout, which the admin client enforces itself. */
  private static final long FUTURE_GRACE_MILLIS = 1_000;

  private final ClientConfigs configs;

  /** Guarded by this. */
  private @Nullable Admin admin;
  /** Guarded by this. */
  private @Nullable Consumer<byte[], byte[]> consumer;
  /** Guarded by this. */
  private boolean closed;

  /**
   * Creates the access; no client is created yet.
   *
   * @param configs the validated client configurations
   */
  public KafkaClusterAccess(ClientConfigs configs) {
    this.configs = configs;
  }

  @Override
  public String bootstrapServers() {
    return configs.bootstrapServers();
  }

  @Override
  public Set<String> listTopics() {
    Duration timeout = configs.apiTimeout();
    KafkaFuture<Set<String>> names =
        admin().listTopics(new ListTopicsOptions().timeoutMs(timeoutMillis(timeout))).names();
    return await(names, timeout, "list the topics", "default.api.timeout.ms");
  }

  @Override
  public Optional<Uuid> topicId(String topic, Duration timeout) {
    KafkaFuture<TopicDescription> description = admin()
        .describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(timeoutMillis(timeout)))
        .topicNameValues().get(topic);
    try {
      return Optional.of(await(description, timeout, "look up topic '" + topic + "'", "the timeout"))
          .map(TopicDescription::topicId);
    } catch (MirrorClientException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public synchronized Consumer<byte[], byte[]> consumer() {
    checkOpen();
    if (consumer == null) {
      try {
        consumer = new KafkaConsumer<>(configs.consumerConfig());
      } catch (KafkaException e) {
        throw new MirrorClientException("cannot create the checkpoints consumer for cluster '" + bootstrapServers()
            + "': " + e.getMessage() + "; check the clientProperties", e);
      }
    }
    return consumer;
  }

  @Override
  public synchronized void wakeup() {
    if (consumer != null) {
      consumer.wakeup();
    }
  }

  @Override
  public synchronized void close(Duration timeout) {
    if (closed) {
      return;
    }
    closed = true;
    if (consumer != null) {
      try {
        consumer.close(CloseOptions.timeout(timeout));
      } catch (RuntimeException e) {
        log.warn("Cannot close the checkpoints consumer of cluster '{}' cleanly", bootstrapServers(), e);
      }
      consumer = null;
    }
    if (admin != null) {
      try {
        admin.close(timeout);
      } catch (RuntimeException e) {
        log.warn("Cannot close the admin client of cluster '{}' cleanly", bootstrapServers(), e);
      }
      admin = null;
    }
  }

  private synchronized Admin admin() {
    checkOpen();
    if (admin == null) {
      try {
        admin = Admin.create(configs.adminConfig());
      } catch (KafkaException e) {
        throw new MirrorClientException("cannot create the admin client for cluster '" + bootstrapServers()
            + "': " + e.getMessage() + "; check the clientProperties", e);
      }
    }
    return admin;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the clients of cluster '" + bootstrapServers()
          + "' are closed; create a new MirrorClient");
    }
  }

  private <T> T await(KafkaFuture<T> future, Duration timeout, String action, String timeoutName) {
    try {
      return future.get(timeoutMillis(timeout) + FUTURE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptException(e);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof TimeoutException
          || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw new MirrorTimeoutException("cannot " + action + " of cluster '" + bootstrapServers()
            + "' within " + timeout + " (" + timeoutName + "): " + cause.getMessage()
            + "; check that bootstrap.servers is right and the brokers are reachable, or raise " + timeoutName,
            cause);
      }
      if (cause instanceof AuthorizationException) {
        throw new MirrorClientException("cannot " + action + " of cluster '" + bootstrapServers()
            + "': " + cause.getMessage() + "; grant this client's principal DESCRIBE on the topics (and READ on "
            + "the checkpoints topics)", cause);
      }
      throw new MirrorClientException("cannot " + action + " of cluster '" + bootstrapServers() + "': " + cause,
          cause);
    }
  }

  private static int timeoutMillis(Duration timeout) {
    long millis;
    try {
      millis = timeout.toMillis();
    } catch (ArithmeticException e) {
      millis = Integer.MAX_VALUE;
    }
    // Kafka takes an int; at least 1 ms, since 0 would not even send the request.
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE - FUTURE_GRACE_MILLIS, millis));
  }
}
