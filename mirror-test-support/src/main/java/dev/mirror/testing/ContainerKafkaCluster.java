package dev.mirror.testing;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.apache.kafka.clients.CommonClientConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A single-node Kafka cluster in a Docker container ({@link KafkaContainer} of Testcontainers), for machines
 * with a Docker engine; {@link EmbeddedKafkaCluster} is the default everywhere else.
 *
 * <pre>{@code
 * @Test
 * void scenario_onContainers() {
 *   assumeTrue(ContainerKafkaCluster.dockerAvailable(), "no Docker engine on this machine");
 *   try (ContainerKafkaCluster primary = ContainerKafkaCluster.start("primary")) {
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>The image is pinned to {@link #DEFAULT_IMAGE}; the broker gets the same settings as the embedded one
 * ({@link EmbeddedKafkaCluster#DEFAULT_BROKER_CONFIG}, minus the two that only the test kit needs), passed as
 * the image's {@code KAFKA_*} environment variables. Clients reach it through the port Docker maps on the
 * host; a Docker engine that is not on this host is refused, so clients still connect through loopback only.
 *
 * <p>{@link #stopBroker()}, {@link #startBroker()} and {@link #restartBroker()} are not supported: Docker
 * maps a new host port when a container starts again, and clients would have to be rebuilt. Use
 * {@link EmbeddedKafkaCluster} for outage tests.
 *
 * <p>This class is thread-safe. Whoever starts a cluster owns it and must {@link #close()} it; closing removes
 * the container and its data.
 */
public final class ContainerKafkaCluster implements KafkaCluster {

  /** The image every container cluster runs unless told otherwise. */
  public static final String DEFAULT_IMAGE = "apache/kafka:4.1.0";

  /** How long {@link #start} waits for the container to report the broker ready. */
  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofMinutes(2);

  private static final Logger log = LoggerFactory.getLogger(ContainerKafkaCluster.class);
  private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]+");
  private static final Pattern IPV4_LOOPBACK = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

  private final String name;
  private final KafkaContainer container;
  private final String bootstrapServers;
  private final Map<String, Object> clientProperties;

  /** Guarded by this. */
  private boolean closed;

  private ContainerKafkaCluster(String name, KafkaContainer container, String bootstrapServers) {
    this.name = name;
    this.container = container;
    this.bootstrapServers = bootstrapServers;
    this.clientProperties = Map.of(
        CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT");
  }

  /**
   * Tells whether a Docker engine is reachable, without throwing. On a machine without Docker this returns
   * {@code false} after Testcontainers has tried its usual places (environment, local sockets), which takes
   * well under a second; Testcontainers caches the answer for the JVM.
   *
   * @return true if containers can be started
   */
  public static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Exception | LinkageError e) {
      log.debug("No Docker engine available", e);
      return false;
    }
  }

  /**
   * Starts a cluster from {@link #DEFAULT_IMAGE} with the default broker settings.
   *
   * @param name the cluster's alias, made of {@code [a-zA-Z0-9._-]}
   * @return the running cluster, owned by the caller
   * @throws IllegalArgumentException if {@code name} is empty or has other characters
   * @throws IllegalStateException if there is no Docker engine, it is not on this host, or the container
   *     does not start within {@link #DEFAULT_STARTUP_TIMEOUT}
   */
  public static ContainerKafkaCluster start(String name) {
    return start(name, DEFAULT_IMAGE, Map.of());
  }

  /**
   * Starts a cluster from {@code image} with the default broker settings overridden by {@code brokerConfig}.
   *
   * @param name the cluster's alias, made of {@code [a-zA-Z0-9._-]}
   * @param image an {@code apache/kafka} or {@code apache/kafka-native} image with a pinned tag
   * @param brokerConfig broker properties with Kafka's own keys, such as {@code log.retention.ms}
   * @return the running cluster, owned by the caller
   * @throws IllegalArgumentException if {@code name} is empty or has other characters
   * @throws IllegalStateException if there is no Docker engine, it is not on this host, or the container
   *     does not start within {@link #DEFAULT_STARTUP_TIMEOUT}
   */
  public static ContainerKafkaCluster start(String name, String image, Map<String, String> brokerConfig) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(brokerConfig, "brokerConfig");
    if (!LEGAL_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name must be made of the characters [a-zA-Z0-9._-], but was '" + name + "'");
    }
    if (!dockerAvailable()) {
      throw new IllegalStateException("cannot start container Kafka cluster '" + name
          + "': no Docker engine is available; check ContainerKafkaCluster.dockerAvailable() first");
    }
    Map<String, String> config = new LinkedHashMap<>(EmbeddedKafkaCluster.DEFAULT_BROKER_CONFIG);
    // Only the test kit turns these on; the image's broker has them off already.
    config.remove("unstable.api.versions.enable");
    config.remove("unstable.feature.versions.enable");
    config.putAll(brokerConfig);

    long startNanos = System.nanoTime();
    KafkaContainer container = new KafkaContainer(image).withStartupTimeout(DEFAULT_STARTUP_TIMEOUT);
    config.forEach((key, value) -> container.withEnv(environmentVariable(key), value));
    try {
      container.start();
      String host = container.getHost();
      if (!isLoopback(host)) {
        throw new IllegalStateException("the Docker engine publishes ports on '" + host
            + "', but clients may only connect through loopback; use a local Docker engine");
      }
      String bootstrapServers = container.getBootstrapServers();
      log.info("Started container Kafka cluster '{}' ({}) at {} in {} ms", name, image, bootstrapServers,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
      return new ContainerKafkaCluster(name, container, bootstrapServers);
    } catch (RuntimeException e) {
      container.stop();
      throw new IllegalStateException("cannot start container Kafka cluster '" + name + "' from image '"
          + image + "': " + e, e);
    }
  }

  @Override
  public String name() {
    return name;
  }

  /** Returns {@code localhost:<mapped port>} (or {@code 127.0.0.1:<mapped port>}). */
  @Override
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Returns {@code bootstrap.servers} and {@code security.protocol=PLAINTEXT}. */
  @Override
  public Map<String, Object> clientProperties() {
    return clientProperties;
  }

  /**
   * Not supported.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public void stopBroker() {
    throw unsupported("stopBroker");
  }

  /**
   * Not supported.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public void startBroker() {
    throw unsupported("startBroker");
  }

  /**
   * Not supported.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public void restartBroker() {
    throw unsupported("restartBroker");
  }

  /** Stops and removes the container. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    container.stop();
    log.info("Closed container Kafka cluster '{}'", name);
  }

  @Override
  public String toString() {
    return "ContainerKafkaCluster{name=" + name + ", bootstrapServers=" + bootstrapServers + "}";
  }

  private UnsupportedOperationException unsupported(String method) {
    return new UnsupportedOperationException(method + " is not supported by ContainerKafkaCluster '" + name
        + "': a restarted container gets a new host port, so clients could not reconnect by themselves; "
        + "use EmbeddedKafkaCluster for broker outage tests");
  }

  /**
   * Converts a broker property to the environment variable the {@code apache/kafka} image reads:
   * {@code KAFKA_} plus the key in upper case with {@code .} as {@code _}, {@code _} as {@code __} and
   * {@code -} as {@code ___}.
   */
  static String environmentVariable(String brokerProperty) {
    StringBuilder name = new StringBuilder("KAFKA_");
    for (char c : brokerProperty.toCharArray()) {
      switch (c) {
        case '.' -> name.append('_');
        case '_' -> name.append("__");
        case '-' -> name.append("___");
        default -> name.append(Character.toUpperCase(c));
      }
    }
    return name.toString().toUpperCase(Locale.ROOT);
  }

  private static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.equals("::1") || h.equals("[::1]") || IPV4_LOOPBACK.matcher(h).matches();
  }
}
