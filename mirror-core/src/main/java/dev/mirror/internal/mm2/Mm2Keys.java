package dev.mirror.internal.mm2;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The MirrorMaker 2 and Kafka Connect keys Mirror recognises but does not act on, each with the warning it
 * gets. Keys Mirror does act on are handled by {@link Mm2Parser} directly.
 */
final class Mm2Keys {

  /** Why a recognised key is ignored. */
  enum Kind {
    /** An MM2 feature Mirror does not have yet. */
    UNSUPPORTED,
    /** Connect plumbing that Mirror has no use for. */
    NOT_NEEDED,
    /** A key Kafka 4.0 removed; MM2 4.x ignores it too. */
    REMOVED
  }

  /**
   * A recognised key.
   *
   * @param kind why it is ignored
   * @param reason the explanation, or for {@link Kind#REMOVED} the key that replaced it
   * @param replicationFactor whether the value must still be a valid replication factor
   */
  record Known(Kind kind, String reason, boolean replicationFactor) {

    /** Returns the warning for {@code key}. */
    String warning(String key) {
      switch (kind) {
        case UNSUPPORTED:
          return key + ": not supported yet, ignored; " + reason;
        case NOT_NEEDED:
          return key + ": not needed, ignored; " + reason;
        default:
          return key + ": removed in Kafka 4.0 and ignored (MirrorMaker 2 4.x ignores it too); use '" + reason
              + "' instead";
      }
    }
  }

  private static final String EACH_CHECKPOINT_GROUPS =
      "Mirror always looks for new groups, every refresh.groups.interval.seconds";
  private static final String CONNECT_STORAGE = "Mirror has no Connect config or status topics";
  private static final String CONNECT_OFFSETS =
      "Mirror keeps its positions in its own topic on the target (set its replication factor with "
      + "offset.storage.replication.factor)";
  private static final String CONVERTERS =
      "Mirror copies record bytes unchanged, as MirrorMaker 2 does with its ByteArrayConverter";
  private static final String WORKER = "Mirror has no Connect workers";
  private static final String REST = "Mirror has no Connect REST API";
  private static final String CONNECTOR = "Mirror has no Connect connectors";

  private static final Map<String, Known> EXACT = new LinkedHashMap<>();
  private static final Map<String, Known> PREFIXES = new LinkedHashMap<>();

  static {
    unsupported("refresh.groups.enabled", EACH_CHECKPOINT_GROUPS);
    unsupported("group.filter.class", "use groups and groups.exclude");
    unsupported("offset.lag.max", "Mirror decides itself when to write offset syncs");
    unsupported("topic.filter.class", "use topics and topics.exclude");
    unsupported("config.property.filter.class", "use config.properties.exclude");
    unsupported("use.defaults.from", "Mirror copies only the source's non-default topic configs, as "
        + "MirrorMaker 2 does with use.defaults.from = target");
    unsupported("forwarding.admin.class", "Mirror creates its admin clients itself");
    unsupported("consumer.poll.timeout.ms", "Mirror chooses its poll timeout itself");
    unsupported("metric.names.formats", "Mirror's metric names are fixed");
    notNeeded("exactly.once.support", "Mirror's exactly-once mode follows exactly.once.source.support");
    unsupportedPrefix("replication.policy.", "Mirror reads only replication.policy.class, "
        + "replication.policy.separator and replication.policy.internal.topic.separator.enabled");

    replicationFactor("config.storage.replication.factor", Kind.NOT_NEEDED, CONNECT_STORAGE);
    replicationFactor("status.storage.replication.factor", Kind.NOT_NEEDED, CONNECT_STORAGE);

    notNeeded("source.cluster.alias", "Mirror takes each flow's source alias from its '<source>-><target>' keys");
    notNeeded("target.cluster.alias", "Mirror takes each flow's target alias from its '<source>-><target>' keys");
    notNeededPrefix("offset.storage.", CONNECT_OFFSETS);
    notNeededPrefix("config.storage.", CONNECT_STORAGE);
    notNeededPrefix("status.storage.", CONNECT_STORAGE);
    for (String k : Set.of("key.converter", "value.converter", "header.converter")) {
      notNeeded(k, CONVERTERS);
      notNeededPrefix(k + ".", CONVERTERS);
    }
    for (String k : Set.of("group.id", "offset.flush.interval.ms", "offset.flush.timeout.ms",
        "scheduled.rebalance.max.delay.ms", "connect.protocol", "session.timeout.ms", "heartbeat.interval.ms",
        "rebalance.timeout.ms", "topic.creation.enable", "plugin.path", "plugin.discovery",
        "client.config.override.policy", "connector.client.config.override.policy", "config.action.reload")) {
      notNeeded(k, WORKER);
    }
    notNeededPrefix("worker.", WORKER);
    notNeededPrefix("task.", WORKER);
    notNeededPrefix("inter.worker.", WORKER);
    notNeededPrefix("topic.tracking.", WORKER);
    for (String k : Set.of("dedicated.mode.enable.internal.rest", "listeners", "admin.listeners",
        "response.http.headers.config", "access.control.allow.origin", "access.control.allow.methods")) {
      notNeeded(k, REST);
    }
    notNeededPrefix("rest.", REST);
    notNeededPrefix("listeners.", REST);
    notNeededPrefix("admin.listeners.", REST);
    notNeeded("connector.class", CONNECTOR);
    notNeeded("transforms", CONNECTOR);
    notNeeded("predicates", CONNECTOR);
    notNeededPrefix("transforms.", CONNECTOR);
    notNeededPrefix("predicates.", CONNECTOR);
    notNeededPrefix("errors.", CONNECTOR);

    removed("topics.blacklist", "topics.exclude");
    removed("groups.blacklist", "groups.exclude");
    removed("config.properties.blacklist", "config.properties.exclude");
  }

  private Mm2Keys() {}

  /** Returns what Mirror knows about a top-level or per-flow key it does not act on, or null. */
  static @Nullable Known lookup(String key) {
    Known exact = EXACT.get(key);
    if (exact != null) {
      return exact;
    }
    for (Map.Entry<String, Known> e : PREFIXES.entrySet()) {
      if (key.startsWith(e.getKey())) {
        return e.getValue();
      }
    }
    return null;
  }

  private static void unsupported(String key, String reason) {
    EXACT.put(key, new Known(Kind.UNSUPPORTED, reason, false));
  }

  private static void unsupportedPrefix(String prefix, String reason) {
    PREFIXES.put(prefix, new Known(Kind.UNSUPPORTED, reason, false));
  }

  private static void notNeeded(String key, String reason) {
    EXACT.put(key, new Known(Kind.NOT_NEEDED, reason, false));
  }

  private static void notNeededPrefix(String prefix, String reason) {
    PREFIXES.put(prefix, new Known(Kind.NOT_NEEDED, reason, false));
  }

  private static void replicationFactor(String key, Kind kind, String reason) {
    EXACT.put(key, new Known(kind, reason, true));
  }

  private static void removed(String key, String replacement) {
    EXACT.put(key, new Known(Kind.REMOVED, replacement, false));
  }
}
