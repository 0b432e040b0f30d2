package dev.mirror.testing;

import java.util.Map;

/**
 * A running Kafka cluster for tests and examples, reached only through the loopback interface.
 *
 * <p>A cluster is started by a static factory of its implementation ({@link EmbeddedKafkaCluster#start(String)},
 * {@link ContainerKafkaCluster#start(String)}) and is ready for clients when that factory returns. Whoever
 * started it owns it and must {@link #close()} it; closing deletes its data.
 *
 * <p>Implementations are thread-safe: a test may stop or restart the broker while other threads use clients.
 */
public interface KafkaCluster extends AutoCloseable {

  /**
   * Returns the alias given at start, for example {@code "primary"}; used in log lines and messages.
   *
   * @return the alias, never empty
   */
  String name();

  /**
   * Returns the {@code bootstrap.servers} value of this cluster: {@code 127.0.0.1:<port>} or
   * {@code localhost:<port>}, never a non-loopback address. The value does not change when the broker is
   * stopped and started again.
   *
   * @return the bootstrap servers, comma-separated if there is more than one
   */
  String bootstrapServers();

  /**
   * Returns the properties every client of this cluster needs: {@code bootstrap.servers} and the security
   * settings. Callers copy the map and add their own settings.
   *
   * @return an immutable map of Kafka client properties
   */
  Map<String, Object> clientProperties();

  /**
   * Stops the broker, keeping its data and its port number for {@link #startBroker()}. Clients see
   * connections refused until the broker is started again. Does nothing if the broker is already stopped.
   *
   * <p>While the broker is stopped its port is free, so in theory another process could take it; ports come
   * from the kernel's ephemeral range, which makes that unlikely during a short outage.
   *
   * @throws UnsupportedOperationException if this kind of cluster cannot stop its broker and start it on the
   *     same port
   * @throws IllegalStateException if the cluster is closed
   */
  void stopBroker();

  /**
   * Starts the broker stopped by {@link #stopBroker()} on the same port and with the same data, and returns
   * once it answers metadata requests. Existing clients reconnect by themselves. Does nothing if the broker
   * is running.
   *
   * @throws UnsupportedOperationException if this kind of cluster cannot restart its broker
   * @throws IllegalStateException if the cluster is closed or the broker does not come back in time
   */
  void startBroker();

  /**
   * Stops and starts the broker: {@link #stopBroker()} then {@link #startBroker()}.
   *
   * @throws UnsupportedOperationException if this kind of cluster cannot restart its broker
   * @throws IllegalStateException if the cluster is closed or the broker does not come back in time
   */
  default void restartBroker() {
    stopBroker();
    startBroker();
  }

  /**
   * Stops the cluster and deletes its data. Idempotent; a closed cluster cannot be started again.
   */
  @Override
  void close();
}
