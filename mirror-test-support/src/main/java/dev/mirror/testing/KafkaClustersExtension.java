package dev.mirror.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts named embedded clusters once before a test class and closes them after it. Tests keep apart with
 * unique topic and group names ({@link KafkaTestData#uniqueName(String)}).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KafkaClustersExtension clusters = KafkaClustersExtension.of("primary", "backup");
 *
 * @Test
 * void replicates() {
 *   EmbeddedKafkaCluster primary = clusters.get("primary");
 * }
 * }</pre>
 *
 * <p>Not thread-safe; one instance per test class.
 */
public final class KafkaClustersExtension implements BeforeAllCallback, AfterAllCallback {
  private final List<String> names;
  private final Map<String, String> brokerConfig;
  private final int brokers;
  private final Map<String, EmbeddedKafkaCluster> clusters = new LinkedHashMap<>();

  private KafkaClustersExtension(List<String> names, Map<String, String> brokerConfig, int brokers) {
    this.names = List.copyOf(names);
    this.brokerConfig = Map.copyOf(brokerConfig);
    this.brokers = brokers;
  }

  /**
   * Returns an extension that starts one single-node cluster per name with the default broker config.
   *
   * @param names the clusters' names, used in log lines
   * @return the extension, to register with {@code @RegisterExtension}
   */
  public static KafkaClustersExtension of(String... names) {
    return new KafkaClustersExtension(List.of(names), Map.of(), 1);
  }

  /**
   * Returns an extension whose clusters get {@code brokerConfig} on top of the defaults.
   *
   * @param brokerConfig broker settings for every cluster
   * @param names the clusters' names
   * @return the extension
   */
  public static KafkaClustersExtension withBrokerConfig(Map<String, String> brokerConfig, String... names) {
    return new KafkaClustersExtension(List.of(names), brokerConfig, 1);
  }

  /**
   * Returns an extension that starts one cluster of {@code brokers} brokers per name
   * ({@link EmbeddedKafkaCluster#startWithBrokers}), so that topics can have replicas and leaders can move.
   *
   * @param brokers brokers per cluster, 1 to 5
   * @param names the clusters' names
   * @return the extension
   * @throws IllegalArgumentException if {@code brokers} is out of range
   */
  public static KafkaClustersExtension withBrokers(int brokers, String... names) {
    if (brokers < 1 || brokers > 5) {
      throw new IllegalArgumentException("brokers must be 1 to 5, but was " + brokers);
    }
    return new KafkaClustersExtension(List.of(names), Map.of(), brokers);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    for (String name : names) {
      clusters.put(name, brokers > 1 ? EmbeddedKafkaCluster.startWithBrokers(name, brokers)
          : brokerConfig.isEmpty() ? EmbeddedKafkaCluster.start(name)
          : EmbeddedKafkaCluster.start(name, brokerConfig));
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    for (EmbeddedKafkaCluster c : clusters.values()) {
      c.close();
    }
    clusters.clear();
  }

  /**
   * Returns a started cluster.
   *
   * @param name one of the names given at creation
   * @return the cluster
   * @throws IllegalStateException when no cluster of that name runs (outside the test class's lifetime)
   */
  public EmbeddedKafkaCluster get(String name) {
    EmbeddedKafkaCluster c = clusters.get(Objects.requireNonNull(name, "name"));
    if (c == null) {
      throw new IllegalStateException("no running cluster '" + name + "'; clusters: " + clusters.keySet()
          + " (they run only while the test class runs)");
    }
    return c;
  }
}
