package dev.mirror.client.internal;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits the client properties given to {@code MirrorClient} into the configurations of its admin client and its
 * checkpoints consumer, following MirrorMaker 2's {@code MirrorClientConfig} where that makes sense and fixing what
 * does not.
 *
 * <ul>
 *   <li>MirrorMaker 2's own keys ({@code replication.policy.*}, {@code source.cluster.alias},
 *       {@code forwarding.admin.class}) are removed: the policy reads them, the Kafka clients do not.
 *   <li>Keys prefixed {@code admin.} or {@code consumer.} override the bare key for that client, as in MirrorMaker 2;
 *       {@code producer.} keys are dropped (there is no producer).
 *   <li>Every other key goes to both clients. MirrorMaker 2 keeps only {@code bootstrap.servers},
 *       {@code security.protocol}, {@code ssl.*} and {@code sasl.*}, so its timeouts and client ids cannot be set.
 *   <li>The consumer reads without a group: {@code group.id} and {@code group.instance.id} are removed,
 *       {@code enable.auto.commit=false}, {@code allow.auto.create.topics=false} (a look-up must not create the
 *       checkpoints topic), {@code auto.offset.reset=earliest} (records deleted by retention are skipped, not an
 *       error), byte-array deserializers, and {@code isolation.level=read_committed} unless set.
 *   <li>{@code default.api.timeout.ms} bounds the admin look-ups (default 60 s, Kafka's). When it is set below
 *       Kafka's 30 s default {@code request.timeout.ms} and that key is not set, the request timeout follows it,
 *       because the admin client refuses an API timeout below the request timeout.
 * </ul>
 *
 * <p>Both results are validated against kafka-clients' own definitions, so a bad value fails at construction.
 * Immutable.
 */
public final class ClientConfigs {

  /** The admin look-up timeout when {@code default.api.timeout.ms} is not set: Kafka's default, 60 s. */
  public static final Duration DEFAULT_API_TIMEOUT = Duration.ofMillis(60_000);

  private static final Logger log = LoggerFactory.getLogger(ClientConfigs.class);

  private static final String ADMIN_PREFIX = "admin.";
  private static final String CONSUMER_PREFIX = "consumer.";
  private static final String PRODUCER_PREFIX = "producer.";
  private static final String FORWARDING_ADMIN_CLASS = "forwarding.admin.class";
  private static final Set<String> MM2_ONLY_KEYS = Set.of(
      "replication.policy.class",
      "replication.policy.separator",
      "replication.policy.internal.topic.separator.enabled",
      "source.cluster.alias",
      FORWARDING_ADMIN_CLASS);
  private static final int KAFKA_DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
  private static final AtomicInteger CLIENT_SEQUENCE = new AtomicInteger();

  private final String bootstrapServers;
  private final Map<String, Object> adminConfig;
  private final Map<String, Object> consumerConfig;
  private final Duration apiTimeout;

  private ClientConfigs(String bootstrapServers, Map<String, Object> adminConfig, Map<String, Object> consumerConfig,
      Duration apiTimeout) {
    this.bootstrapServers = bootstrapServers;
    this.adminConfig = Collections.unmodifiableMap(adminConfig);
    this.consumerConfig = Collections.unmodifiableMap(consumerConfig);
    this.apiTimeout = apiTimeout;
  }

  /**
   * Splits and validates client properties.
   *
   * @param clientProperties Kafka client properties of the cluster where consumers resume, plus MirrorMaker 2's
   *     client keys
   * @return the admin and consumer configurations
   * @throws IllegalArgumentException if {@code bootstrap.servers} is missing or empty, a key is null, or a value is
   *     invalid for the Kafka clients; the message names the key and the value
   */
  public static ClientConfigs parse(Map<String, ?> clientProperties) {
    Objects.requireNonNull(clientProperties, "clientProperties");
    Map<String, Object> common = new HashMap<>();
    Map<String, Object> adminOverrides = new HashMap<>();
    Map<String, Object> consumerOverrides = new HashMap<>();
    for (Map.Entry<String, ?> entry : clientProperties.entrySet()) {
      String key = entry.getKey();
      Object value = entry.getValue();
      if (key == null) {
        throw new IllegalArgumentException("clientProperties must not contain a null key, but one maps to '"
            + value + "'; remove it");
      }
      if (value == null || MM2_ONLY_KEYS.contains(key)) {
        // MirrorMaker 2 drops null values too; its own keys are for the replication policy.
        continue;
      }
      if (key.startsWith(ADMIN_PREFIX)) {
        adminOverrides.put(key.substring(ADMIN_PREFIX.length()), value);
      } else if (key.startsWith(CONSUMER_PREFIX)) {
        consumerOverrides.put(key.substring(CONSUMER_PREFIX.length()), value);
      } else if (!key.startsWith(PRODUCER_PREFIX)) {
        common.put(key, value);
      }
    }
    if (clientProperties.get(FORWARDING_ADMIN_CLASS) != null) {
      log.warn("Ignoring {} '{}': MirrorClient uses a plain Kafka admin client; remove the key",
          FORWARDING_ADMIN_CLASS, clientProperties.get(FORWARDING_ADMIN_CLASS));
    }
    String bootstrapServers = bootstrapServers(common.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
    Object clientIdValue = common.get(CommonClientConfigs.CLIENT_ID_CONFIG);
    String clientId = clientIdValue == null || clientIdValue.toString().isBlank()
        ? "mirror-client-" + CLIENT_SEQUENCE.incrementAndGet()
        : clientIdValue.toString();

    Map<String, Object> admin = new HashMap<>(common);
    admin.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId + "-admin");
    admin.putAll(adminOverrides);
    Duration apiTimeout = apiTimeout(admin, bootstrapServers);

    Map<String, Object> consumer = new HashMap<>(common);
    consumer.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-checkpoints");
    consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumer.putAll(consumerOverrides);
    consumer.remove(ConsumerConfig.GROUP_ID_CONFIG);
    consumer.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumer.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);

    validate("admin client", admin, bootstrapServers, true);
    validate("checkpoints consumer", consumer, bootstrapServers, false);
    return new ClientConfigs(bootstrapServers, admin, consumer, apiTimeout);
  }

  /** Returns the {@code bootstrap.servers} value as a comma-separated string, for messages. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Returns the admin client's configuration. */
  public Map<String, Object> adminConfig() {
    return adminConfig;
  }

  /** Returns the checkpoints consumer's configuration. */
  public Map<String, Object> consumerConfig() {
    return consumerConfig;
  }

  /** Returns the timeout of admin look-ups: {@code default.api.timeout.ms}, or {@link #DEFAULT_API_TIMEOUT}. */
  public Duration apiTimeout() {
    return apiTimeout;
  }

  private static String bootstrapServers(Object value) {
    String hint = "; set it to the cluster where consumers resume (the one holding the checkpoints topics), "
        + "e.g. Map.of(\"bootstrap.servers\", \"backup:9092\")";
    if (value == null) {
      throw new IllegalArgumentException("clientProperties must set bootstrap.servers, but it is missing" + hint);
    }
    String servers;
    if (value instanceof String string) {
      servers = string.trim();
    } else if (value instanceof Collection<?> collection) {
      servers = collection.stream().map(String::valueOf).map(String::trim).filter(s -> !s.isEmpty())
          .collect(Collectors.joining(","));
    } else {
      throw new IllegalArgumentException("bootstrap.servers '" + value + "' is a " + value.getClass().getName()
          + ", but it must be a String or a List of host:port strings" + hint);
    }
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("bootstrap.servers '" + value + "' is invalid: it must not be empty"
          + hint);
    }
    return servers;
  }

  private static Duration apiTimeout(Map<String, Object> admin, String bootstrapServers) {
    Object value = admin.get(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG);
    if (value == null) {
      return DEFAULT_API_TIMEOUT;
    }
    long millis = millis(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, value, bootstrapServers);
    if (millis <= 0) {
      throw new IllegalArgumentException(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG + " '" + value
          + "' is invalid for cluster '" + bootstrapServers + "': it must be > 0 (milliseconds); use e.g. 10000, "
          + "or remove the key for the default of " + DEFAULT_API_TIMEOUT.toMillis());
    }
    Object requestValue = admin.get(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG);
    if (requestValue == null) {
      if (millis < KAFKA_DEFAULT_REQUEST_TIMEOUT_MS) {
        admin.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, (int) millis);
      }
    } else {
      long requestMillis = millis(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, requestValue, bootstrapServers);
      if (millis < requestMillis) {
        throw new IllegalArgumentException(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG + " '" + value
            + "' is invalid for cluster '" + bootstrapServers + "': the admin client needs it >= "
            + CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG + " '" + requestValue + "'; raise it, or lower or "
            + "remove " + CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG);
      }
    }
    return Duration.ofMillis(millis);
  }

  private static long millis(String key, Object value, String bootstrapServers) {
    try {
      if (value instanceof Number number) {
        return number.longValue();
      }
      return Long.parseLong(value.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " '" + value + "' is invalid for cluster '" + bootstrapServers
          + "': it must be a whole number of milliseconds; use e.g. 10000, or remove the key", e);
    }
  }

  private static void validate(String role, Map<String, Object> config, String bootstrapServers, boolean admin) {
    try {
      if (admin) {
        AdminClientConfig.configDef().parse(config);
      } else {
        ConsumerConfig.configDef().parse(config);
      }
    } catch (ConfigException e) {
      throw new IllegalArgumentException("clientProperties are invalid for the " + role + " of cluster '"
          + bootstrapServers + "': " + e.getMessage() + "; fix the value or remove the key", e);
    }
  }
}
