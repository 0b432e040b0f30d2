package dev.mirror;

import dev.mirror.internal.Checks;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One Kafka cluster a {@link Mirror} connects to: its alias and the Kafka client properties used to reach it
 * ({@code bootstrap.servers}, security settings, ...), with optional overrides per client role. Every client
 * the Mirror creates for this cluster starts from {@link #properties()}; a consumer then applies
 * {@link #consumerOverrides()}, a producer {@link #producerOverrides()} and an admin client
 * {@link #adminOverrides()}.
 *
 * <p>Instances are immutable and thread-safe. {@link #toString()} hides secret values (passwords, JAAS
 * configurations, tokens, keys).
 *
 * @since 0.1.0
 */
public final class ClusterSpec {
  private final String alias;
  private final Map<String, Object> properties;
  private final Map<String, Object> consumerOverrides;
  private final Map<String, Object> producerOverrides;
  private final Map<String, Object> adminOverrides;

  private ClusterSpec(Builder b) {
    this.alias = b.alias;
    this.properties = Map.copyOf(b.properties);
    this.consumerOverrides = Map.copyOf(b.consumerOverrides);
    this.producerOverrides = Map.copyOf(b.producerOverrides);
    this.adminOverrides = Map.copyOf(b.adminOverrides);
  }

  /**
   * Starts a cluster specification.
   *
   * @param alias the cluster's name in this Mirror: 1 to 100 characters of {@code [a-zA-Z0-9._-]}; it
   *     appears in remote topic names (under the default policy), client ids and thread names
   * @return a new builder
   * @throws IllegalArgumentException when the alias is not legal
   */
  public static Builder builder(String alias) {
    return new Builder(Checks.legalName(alias, "cluster alias"));
  }

  /** Returns the cluster's alias. */
  public String alias() {
    return alias;
  }

  /** Returns the Kafka client properties shared by every client of this cluster. */
  public Map<String, Object> properties() {
    return properties;
  }

  /** Returns the properties applied on top of {@link #properties()} for consumers. */
  public Map<String, Object> consumerOverrides() {
    return consumerOverrides;
  }

  /** Returns the properties applied on top of {@link #properties()} for producers. */
  public Map<String, Object> producerOverrides() {
    return producerOverrides;
  }

  /** Returns the properties applied on top of {@link #properties()} for admin clients. */
  public Map<String, Object> adminOverrides() {
    return adminOverrides;
  }

  /** Returns a builder holding this specification's values. */
  public Builder toBuilder() {
    Builder b = new Builder(alias);
    b.properties.putAll(properties);
    b.consumerOverrides.putAll(consumerOverrides);
    b.producerOverrides.putAll(producerOverrides);
    b.adminOverrides.putAll(adminOverrides);
    return b;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ClusterSpec)) {
      return false;
    }
    ClusterSpec that = (ClusterSpec) o;
    return alias.equals(that.alias) && properties.equals(that.properties)
        && consumerOverrides.equals(that.consumerOverrides) && producerOverrides.equals(that.producerOverrides)
        && adminOverrides.equals(that.adminOverrides);
  }

  @Override
  public int hashCode() {
    return Objects.hash(alias, properties, consumerOverrides, producerOverrides, adminOverrides);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ClusterSpec{alias=").append(alias)
        .append(", properties=").append(Checks.masked(properties));
    if (!consumerOverrides.isEmpty()) {
      sb.append(", consumerOverrides=").append(Checks.masked(consumerOverrides));
    }
    if (!producerOverrides.isEmpty()) {
      sb.append(", producerOverrides=").append(Checks.masked(producerOverrides));
    }
    if (!adminOverrides.isEmpty()) {
      sb.append(", adminOverrides=").append(Checks.masked(adminOverrides));
    }
    return sb.append('}').toString();
  }

  /**
   * Builds a {@link ClusterSpec}. Mutable and not thread-safe; {@link #build()} copies its state, so a
   * builder can be reused.
   */
  public static final class Builder {
    private final String alias;
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private final Map<String, Object> consumerOverrides = new LinkedHashMap<>();
    private final Map<String, Object> producerOverrides = new LinkedHashMap<>();
    private final Map<String, Object> adminOverrides = new LinkedHashMap<>();

    private Builder(String alias) {
      this.alias = alias;
    }

    /**
     * Sets {@code bootstrap.servers}.
     *
     * @param bootstrapServers comma-separated {@code host:port} list
     * @return this builder
     */
    public Builder bootstrapServers(String bootstrapServers) {
      properties.put("bootstrap.servers", Objects.requireNonNull(bootstrapServers, "bootstrapServers"));
      return this;
    }

    /**
     * Adds Kafka client properties shared by every client of this cluster; later values win.
     *
     * @param properties Kafka client properties, with Kafka's own keys
     * @return this builder
     */
    public Builder properties(Map<String, ?> properties) {
      this.properties.putAll(Checks.properties(properties, "cluster '" + alias + "' properties"));
      return this;
    }

    /**
     * Sets one Kafka client property shared by every client of this cluster.
     *
     * @param key a Kafka client property key
     * @param value its value
     * @return this builder
     */
    public Builder property(String key, Object value) {
      return properties(Map.of(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value")));
    }

    /**
     * Adds properties for consumers of this cluster, applied over {@link #properties(Map)}.
     *
     * @param overrides Kafka consumer properties
     * @return this builder
     */
    public Builder consumerOverrides(Map<String, ?> overrides) {
      consumerOverrides.putAll(Checks.properties(overrides, "cluster '" + alias + "' consumer overrides"));
      return this;
    }

    /**
     * Adds properties for producers writing to this cluster, applied over {@link #properties(Map)}.
     *
     * @param overrides Kafka producer properties
     * @return this builder
     */
    public Builder producerOverrides(Map<String, ?> overrides) {
      producerOverrides.putAll(Checks.properties(overrides, "cluster '" + alias + "' producer overrides"));
      return this;
    }

    /**
     * Adds properties for admin clients of this cluster, applied over {@link #properties(Map)}.
     *
     * @param overrides Kafka admin client properties
     * @return this builder
     */
    public Builder adminOverrides(Map<String, ?> overrides) {
      adminOverrides.putAll(Checks.properties(overrides, "cluster '" + alias + "' admin overrides"));
      return this;
    }

    /** Returns an immutable specification of the values set so far. Validation happens in Mirror's build(). */
    public ClusterSpec build() {
      return new ClusterSpec(this);
    }
  }
}
