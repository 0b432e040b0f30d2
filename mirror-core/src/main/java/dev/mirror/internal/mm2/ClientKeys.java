package dev.mirror.internal.mm2;

import dev.mirror.internal.Checks;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.utils.Utils;
import org.jspecify.annotations.Nullable;

/**
 * Kafka client configuration keys as kafka-clients defines them: which client roles know a key, how to check a
 * value without creating a client, and which keys Mirror sets itself.
 */
final class ClientKeys {

  /** A kind of Kafka client, and its prefix in {@code mm2.properties} ({@code A.consumer.*}, ...). */
  enum Role {
    CONSUMER("consumer"),
    PRODUCER("producer"),
    ADMIN("admin");

    final String label;

    Role(String label) {
      this.label = label;
    }

    /** Returns the key prefix, e.g. {@code consumer.}. */
    String prefix() {
      return label + ".";
    }
  }

  /** The prefix of config provider settings, which kafka-clients reads from any client configuration. */
  static final String CONFIG_PROVIDERS_PREFIX = "config.providers.";

  /**
   * Consumer keys Mirror sets itself, with the reason. Mirrors {@code ClientConfigs.OWNED_CONSUMER_KEYS} of the
   * engine (package-private there); {@code auto.offset.reset} is not listed because the parser maps it to the
   * flow's start position.
   */
  private static final Map<String, String> OWNED_CONSUMER = Map.of(
      ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, "Mirror copies raw bytes",
      ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, "Mirror copies raw bytes",
      ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "Mirror stores positions in the target cluster itself",
      ConsumerConfig.GROUP_ID_CONFIG, "Mirror reads the source without a consumer group",
      ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "Mirror reads the source without a consumer group",
      ConsumerConfig.ISOLATION_LEVEL_CONFIG, "Mirror always reads read_committed, so aborted records are never copied");

  /** Producer keys Mirror sets itself, with the reason. Mirrors {@code ClientConfigs.OWNED_PRODUCER_KEYS}. */
  private static final Map<String, String> OWNED_PRODUCER = Map.of(
      ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "Mirror copies raw bytes",
      ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "Mirror copies raw bytes",
      ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "Mirror needs idempotence to keep order without duplicates",
      ProducerConfig.ACKS_CONFIG,
          "Mirror uses acks=all and stores a position only after all in-sync replicas have the data",
      ProducerConfig.TRANSACTIONAL_ID_CONFIG, "Mirror manages transactions itself");

  private static final Map<Role, Set<String>> NAMES = new EnumMap<>(Map.of(
      Role.CONSUMER, ConsumerConfig.configNames(),
      Role.PRODUCER, ProducerConfig.configNames(),
      Role.ADMIN, AdminClientConfig.configNames()));

  private static final Map<String, ConfigDef.ConfigKey> DEFINITIONS = definitions();

  private ClientKeys() {}

  private static Map<String, ConfigDef.ConfigKey> definitions() {
    Map<String, ConfigDef.ConfigKey> defs = new HashMap<>();
    defs.putAll(AdminClientConfig.configDef().configKeys());
    defs.putAll(ProducerConfig.configDef().configKeys());
    defs.putAll(ConsumerConfig.configDef().configKeys());
    return Collections.unmodifiableMap(defs);
  }

  /** Returns the roles whose client defines {@code key}; config provider settings belong to all of them. */
  static Set<Role> roles(String key) {
    if (key.startsWith(CONFIG_PROVIDERS_PREFIX)) {
      return EnumSet.allOf(Role.class);
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (Role r : Role.values()) {
      if (NAMES.get(r).contains(key)) {
        roles.add(r);
      }
    }
    return roles;
  }

  /** Returns whether the client of {@code role} defines {@code key}. */
  static boolean knows(Role role, String key) {
    return key.startsWith(CONFIG_PROVIDERS_PREFIX) || NAMES.get(role).contains(key);
  }

  /** Returns whether any Kafka client defines {@code key}. */
  static boolean isClientKey(String key) {
    return !roles(key).isEmpty();
  }

  /**
   * Returns whether MirrorMaker 2 uses a top-level {@code key} as the fallback for every cluster:
   * {@code bootstrap.servers}, {@code security.protocol}, {@code ssl.*} and {@code sasl.*} (its
   * {@code MirrorClientConfig.CLIENT_CONFIG_DEF}).
   */
  static boolean isClusterFallback(String key) {
    return NAMES.get(Role.ADMIN).contains(key)
        && (key.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)
            || key.equals(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG)
            || key.startsWith("ssl.") || key.startsWith("sasl."));
  }

  /** Returns why Mirror sets {@code key} itself for {@code role}, or null when the user may set it. */
  static @Nullable String ownedReason(Role role, String key) {
    switch (role) {
      case CONSUMER:
        return OWNED_CONSUMER.get(key);
      case PRODUCER:
        return OWNED_PRODUCER.get(key);
      default:
        return null;
    }
  }

  /** Returns why Mirror sets {@code key} itself for any role that knows it, or null. */
  static @Nullable String ownedReason(String key) {
    for (Role r : roles(key)) {
      String why = ownedReason(r, key);
      if (why != null) {
        return why;
      }
    }
    return null;
  }

  /**
   * Checks a value as kafka-clients would parse it, without creating a client.
   *
   * @return the rule the value breaks, or null when it is valid or the key is not a defined client key
   */
  static @Nullable String invalidReason(String key, String value) {
    ConfigDef.ConfigKey def = DEFINITIONS.get(key);
    if (def == null) {
      return null;
    }
    try {
      Object parsed = ConfigDef.parseType(key, value, def.type);
      if (def.validator != null) {
        def.validator.ensureValid(key, parsed);
      }
    } catch (RuntimeException e) {
      if (Checks.isSecretKey(key)) {
        return "the value is not a valid " + def.type.toString().toLowerCase(Locale.ROOT);
      }
      return rule(key, String.valueOf(e.getMessage()));
    }
    if (key.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
      for (String address : value.trim().split("\\s*,\\s*", -1)) {
        if (address.isEmpty()) {
          return "it has an empty entry; list host:port addresses separated by commas";
        }
        if (Utils.getHost(address) == null || Utils.getPort(address) == null) {
          return "'" + address + "' is not a host:port address";
        }
      }
    }
    return null;
  }

  /** Strips Kafka's "Invalid value X for configuration K: " preamble, keeping the rule. */
  private static String rule(String key, String message) {
    String marker = "for configuration " + key + ": ";
    int at = message.indexOf(marker);
    String rule = at >= 0 ? message.substring(at + marker.length()) : message;
    return rule.endsWith(".") ? rule.substring(0, rule.length() - 1) : rule;
  }
}
