package dev.mirror.internal.mm2;

import dev.mirror.ClusterSpec;
import dev.mirror.FlowSpec;
import dev.mirror.OffsetSyncsLocation;
import dev.mirror.StartPosition;
import dev.mirror.client.DefaultReplicationPolicy;
import dev.mirror.client.IdentityReplicationPolicy;
import dev.mirror.client.ReplicationPolicies;
import dev.mirror.client.ReplicationPolicy;
import dev.mirror.internal.Checks;
import dev.mirror.internal.mm2.ClientKeys.Role;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.TopicConfig;
import org.jspecify.annotations.Nullable;

/**
 * Parses MirrorMaker 2 {@code mm2.properties} keys into Mirror cluster and flow specifications, following MM2's
 * precedence ({@code S->T.key} over top-level {@code key} over the built-in default) and reporting every key it
 * does not act on. {@link dev.mirror.Mm2Properties} documents the mapping; this class implements it.
 *
 * <p>Values are read the way MM2's {@code ConfigDef} reads them: booleans, numbers and lists are trimmed, list
 * entries are split on commas with the surrounding whitespace removed. Strings that become Kafka client settings
 * are passed unchanged (kafka-clients trims them itself).
 *
 * <p>{@code ${provider:path:key}} references are resolved with the providers the top level declares
 * ({@link ConfigProviders}): settings Mirror reads get the resolved value; client settings keep the reference,
 * checked through its resolved value, and each cluster gets the declarations so that its clients resolve it.
 *
 * <p>Thread-safe: {@link #parse} works on its own private state.
 */
public final class Mm2Parser {

  /** The Mirror name when the file has no {@code name} key. */
  public static final String DEFAULT_NAME = "mm2";

  static final String CLUSTERS = "clusters";
  static final String NAME = "name";
  static final String ENABLED = "enabled";
  static final String TOPICS = "topics";
  static final String TOPICS_EXCLUDE = "topics.exclude";
  static final String REPLICATION_FACTOR = "replication.factor";
  static final String REFRESH_TOPICS_ENABLED = "refresh.topics.enabled";
  static final String REFRESH_TOPICS_INTERVAL_SECONDS = "refresh.topics.interval.seconds";
  static final String SYNC_TOPIC_CONFIGS_ENABLED = "sync.topic.configs.enabled";
  static final String CONFIG_PROPERTIES_EXCLUDE = "config.properties.exclude";
  static final String GROUPS = "groups";
  static final String GROUPS_EXCLUDE = "groups.exclude";
  static final String EMIT_CHECKPOINTS_ENABLED = "emit.checkpoints.enabled";
  static final String EMIT_CHECKPOINTS_INTERVAL_SECONDS = "emit.checkpoints.interval.seconds";
  static final String SYNC_GROUP_OFFSETS_ENABLED = "sync.group.offsets.enabled";
  static final String SYNC_GROUP_OFFSETS_INTERVAL_SECONDS = "sync.group.offsets.interval.seconds";
  static final String REFRESH_GROUPS_INTERVAL_SECONDS = "refresh.groups.interval.seconds";
  static final String SYNC_TOPIC_CONFIGS_INTERVAL_SECONDS = "sync.topic.configs.interval.seconds";
  static final String SYNC_TOPIC_ACLS_ENABLED = "sync.topic.acls.enabled";
  static final String SYNC_TOPIC_ACLS_INTERVAL_SECONDS = "sync.topic.acls.interval.seconds";
  static final String EMIT_HEARTBEATS_ENABLED = "emit.heartbeats.enabled";
  static final String EMIT_HEARTBEATS_INTERVAL_SECONDS = "emit.heartbeats.interval.seconds";
  static final String HEARTBEATS_REPLICATION_ENABLED = "heartbeats.replication.enabled";
  static final String EMIT_OFFSET_SYNCS_ENABLED = "emit.offset-syncs.enabled";
  static final String OFFSET_SYNCS_TOPIC_LOCATION = "offset-syncs.topic.location";
  static final String OFFSET_STORAGE_REPLICATION_FACTOR = "offset.storage.replication.factor";
  static final String ADMIN_TIMEOUT_MS = "admin.timeout.ms";
  static final String AUTO_OFFSET_RESET = "auto.offset.reset";
  static final String CLIENT_ID = "client.id";
  static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
  static final String TASKS_MAX = "tasks.max";
  static final String EXACTLY_ONCE_SOURCE_SUPPORT = "exactly.once.source.support";
  /** Mirror's own key (MirrorMaker 2 has no batch copy): {@link FlowSpec.Builder#copyBatches}, on by default. */
  static final String COPY_BATCHES_ENABLED = "copy.batches.enabled";
  static final String CHECKPOINTS_TOPIC_REPLICATION_FACTOR = "checkpoints.topic.replication.factor";
  static final String HEARTBEATS_TOPIC_REPLICATION_FACTOR = "heartbeats.topic.replication.factor";
  static final String OFFSET_SYNCS_TOPIC_REPLICATION_FACTOR = "offset-syncs.topic.replication.factor";

  private static final String POLICY_CLASS = ReplicationPolicies.REPLICATION_POLICY_CLASS_CONFIG;
  private static final String POLICY_SEPARATOR = ReplicationPolicies.REPLICATION_POLICY_SEPARATOR_CONFIG;
  private static final String POLICY_INTERNAL_SEPARATOR = ReplicationPolicies.INTERNAL_TOPIC_SEPARATOR_ENABLED_CONFIG;
  private static final Set<String> POLICY_KEYS = Set.of(POLICY_CLASS, POLICY_SEPARATOR, POLICY_INTERNAL_SEPARATOR);

  /** Flow settings Mirror acts on, at the top level and per flow (policy keys are handled apart). */
  private static final Set<String> FLOW_SETTINGS = Set.of(TOPICS, TOPICS_EXCLUDE, REPLICATION_FACTOR,
      REFRESH_TOPICS_ENABLED, REFRESH_TOPICS_INTERVAL_SECONDS, SYNC_TOPIC_CONFIGS_ENABLED, CONFIG_PROPERTIES_EXCLUDE,
      GROUPS, GROUPS_EXCLUDE, EMIT_CHECKPOINTS_ENABLED, EMIT_CHECKPOINTS_INTERVAL_SECONDS, SYNC_GROUP_OFFSETS_ENABLED,
      SYNC_GROUP_OFFSETS_INTERVAL_SECONDS, REFRESH_GROUPS_INTERVAL_SECONDS, SYNC_TOPIC_CONFIGS_INTERVAL_SECONDS,
      SYNC_TOPIC_ACLS_ENABLED, SYNC_TOPIC_ACLS_INTERVAL_SECONDS, EMIT_HEARTBEATS_ENABLED,
      EMIT_HEARTBEATS_INTERVAL_SECONDS, HEARTBEATS_REPLICATION_ENABLED, EMIT_OFFSET_SYNCS_ENABLED,
      OFFSET_SYNCS_TOPIC_LOCATION, TASKS_MAX, EXACTLY_ONCE_SOURCE_SUPPORT, COPY_BATCHES_ENABLED);

  /**
   * Replication factors MM2 gives its checkpoints, heartbeats and offset-syncs topics separately; Mirror creates
   * all its own topics with one factor, so these (top level and per flow) only inform that one.
   */
  private static final Set<String> INTERNAL_TOPIC_RF_KEYS = Set.of(CHECKPOINTS_TOPIC_REPLICATION_FACTOR,
      HEARTBEATS_TOPIC_REPLICATION_FACTOR, OFFSET_SYNCS_TOPIC_REPLICATION_FACTOR);

  private static final Pattern LIST_SEPARATOR = Pattern.compile("\\s*,\\s*");
  private static final Pattern LEGAL_ALIAS = Pattern.compile("[a-zA-Z0-9._-]{1,100}");
  private static final Pattern LEGAL_TOPIC_CHARS = Pattern.compile("[a-zA-Z0-9._-]+");
  /** A config property name, possibly with its dots escaped as a regular expression would have them. */
  private static final Pattern LITERAL_PROPERTY = Pattern.compile("[A-Za-z0-9_-]+(?:\\\\?\\.[A-Za-z0-9_-]+)*");
  private static final SortedSet<String> KNOWN_TOPIC_CONFIGS = knownTopicConfigs();

  private final Map<String, String> properties;
  private final List<String> warnings = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  /** The config providers declared at the top level; they resolve {@code ${...}} references in values. */
  private final ConfigProviders providers;
  private boolean flowEnableProblem;
  private final List<String> aliases = new ArrayList<>();
  private String name = DEFAULT_NAME;
  private final Map<String, Object> topSettings = new HashMap<>();
  private final Set<String> invalidTopSettings = new HashSet<>();
  private final Map<String, String> topPolicyKeys = new TreeMap<>();
  private @Nullable ReplicationPolicy topPolicy;
  private boolean topPolicyInvalid;
  private final Map<String, String> fallbacks = new TreeMap<>();
  private final Map<String, ClusterBuild> clusters = new LinkedHashMap<>();
  /** Keys of each ordered pair of aliases, by flow id, then by the key with its {@code S->T.} prefix removed. */
  private final Map<String, Map<String, String[]>> pairKeys = new LinkedHashMap<>();
  private @Nullable Integer internalTopicReplicationFactor;
  /** Valid values of the MM2 internal topics' replication factor keys, by key as written. */
  private final Map<String, Integer> internalTopicRfKeys = new LinkedHashMap<>();
  private @Nullable Duration operationTimeout;

  private Mm2Parser(Map<String, String> properties, List<String> fileWarnings) {
    this.properties = new TreeMap<>(properties);
    this.warnings.addAll(fileWarnings);
    this.providers = ConfigProviders.declare(this.properties, problems, warnings);
  }

  /**
   * Parses a configuration.
   *
   * @param properties the keys and values, as {@link java.util.Properties} loads them
   * @param fileWarnings warnings found while reading the file (such as repeated keys), reported first
   * @return the parsed configuration with its problems and warnings
   */
  public static Mm2Config parse(Map<String, String> properties, List<String> fileWarnings) {
    Objects.requireNonNull(properties, "properties");
    properties.forEach((k, v) -> {
      Objects.requireNonNull(k, "properties contains a null key");
      Objects.requireNonNull(v, () -> "properties has a null value for '" + k + "'");
    });
    Mm2Parser p = new Mm2Parser(properties, fileWarnings);
    try {
      return p.run();
    } finally {
      p.providers.close();
    }
  }

  private Mm2Config run() {
    parseClusters();
    parseName();
    for (Map.Entry<String, String> e : properties.entrySet()) {
      String key = e.getKey();
      if (!key.equals(CLUSTERS) && !key.equals(NAME) && !ConfigProviders.isDeclarationKey(key)) {
        key(key, e.getValue());
      }
    }
    buildTopPolicy();
    Map<String, Mm2Config.ClusterEntry> clusterEntries = new LinkedHashMap<>();
    for (ClusterBuild c : clusters.values()) {
      clusterEntries.put(c.alias, c.entry(fallbacks, providers));
    }
    List<Mm2Config.FlowEntry> flows = new ArrayList<>();
    for (String source : aliases) {
      for (String target : aliases) {
        if (!source.equals(target)) {
          Mm2Config.FlowEntry flow = pair(source, target);
          if (flow != null) {
            flows.add(flow);
          }
        }
      }
    }
    resolveInternalTopicReplicationFactor();
    return new Mm2Config(name, aliases, clusterEntries, flows, problems, flowEnableProblem, warnings, topPolicy,
        internalTopicReplicationFactor, operationTimeout);
  }

  /**
   * Chooses the one replication factor of Mirror's own topics: {@code offset.storage.replication.factor} when
   * given, else the largest of MM2's internal topics' factors in the file (-1, the broker default, only when all
   * are -1). Warns about each of those keys whose value differs from the one chosen.
   */
  private void resolveInternalTopicReplicationFactor() {
    if (internalTopicRfKeys.isEmpty()) {
      return;
    }
    boolean explicit = internalTopicReplicationFactor != null || properties.containsKey(
        OFFSET_STORAGE_REPLICATION_FACTOR);
    if (!explicit) {
      internalTopicReplicationFactor = internalTopicRfKeys.values().stream().max(Integer::compare).orElseThrow();
    }
    Integer chosen = internalTopicReplicationFactor;
    if (chosen == null) {
      return; // offset.storage.replication.factor is invalid, which is a problem already
    }
    String source = explicit ? "the value of " + OFFSET_STORAGE_REPLICATION_FACTOR
        : "the largest of the internal topics' replication factors in the file";
    internalTopicRfKeys.forEach((key, rf) -> {
      if (rf.intValue() != chosen.intValue()) {
        warnings.add(key + ": " + rf + " is not used; Mirror creates all its own topics (positions, checkpoints, "
            + "heartbeats, offset syncs) with one replication factor, " + chosen
            + (chosen == FlowSpec.BROKER_DEFAULT_REPLICATION_FACTOR ? " (the broker default)" : "") + ", " + source);
      }
    });
  }

  // ---------------------------------------------------------------------------------------------------------
  // config provider references

  /**
   * Returns {@code value} with its {@code ${provider:...}} references resolved by the top-level providers, or
   * null after adding a problem to {@code sink}.
   *
   * @param clientProviders providers the clients that get this value declare themselves; their references are
   *     left for the clients
   */
  private @Nullable String resolved(String key, String value, Collection<String> clientProviders,
      List<String> sink) {
    return providers.resolve(key, value, clientProviders, sink);
  }

  /** Returns {@code value} resolved for a setting Mirror reads itself, or null after adding a problem. */
  private @Nullable String resolved(String key, String value, List<String> sink) {
    return resolved(key, value, Set.of(), sink);
  }

  /** Returns the providers cluster {@code alias} declares for its own clients ({@code <alias>.config.providers}). */
  private Set<String> clusterProviders(String alias) {
    return ConfigProviders.names(properties.get(alias + "." + ConfigProviders.KEY));
  }

  /** Returns the providers any listed cluster declares for its clients. */
  private Set<String> anyClusterProviders() {
    Set<String> names = new LinkedHashSet<>();
    aliases.forEach(a -> names.addAll(clusterProviders(a)));
    return names;
  }

  // ---------------------------------------------------------------------------------------------------------
  // clusters and name

  private void parseClusters() {
    String raw = properties.get(CLUSTERS);
    if (raw == null) {
      problems.add(CLUSTERS + " is missing: list the cluster aliases, e.g. 'clusters = A, B'");
      return;
    }
    String value = resolved(CLUSTERS, raw, problems);
    if (value == null) {
      return;
    }
    List<String> entries = list(value);
    if (entries.isEmpty()) {
      problems.add(CLUSTERS + ": '" + value + "' lists no cluster; list the cluster aliases, e.g. 'clusters = A, B'");
      return;
    }
    Set<String> seen = new HashSet<>();
    for (String alias : entries) {
      if (!LEGAL_ALIAS.matcher(alias).matches()) {
        problems.add(CLUSTERS + ": '" + alias + "' is not a legal cluster alias; use 1 to 100 characters of "
            + "[a-zA-Z0-9._-], because aliases appear in topic names and client ids");
      } else if (!seen.add(alias)) {
        problems.add(CLUSTERS + ": '" + alias + "' is listed twice; list each alias once");
      } else {
        aliases.add(alias);
        clusters.put(alias, new ClusterBuild(alias));
      }
    }
  }

  private void parseName() {
    String raw = properties.get(NAME);
    String value = raw == null ? null : resolved(NAME, raw, problems);
    if (value == null) {
      return;
    }
    String trimmed = value.trim();
    if (!LEGAL_ALIAS.matcher(trimmed).matches()) {
      problems.add(NAME + ": '" + value + "' is not a legal Mirror name; use 1 to 100 characters of "
          + "[a-zA-Z0-9._-], because the name appears in topic names, client ids and thread names");
    } else {
      name = trimmed;
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // dispatch of every other key

  private void key(String key, String value) {
    if (key.contains("->")) {
      flowKey(key, value);
      return;
    }
    String alias = longestAliasPrefix(key, "");
    // A client key of a listed alias wins over the top-level prefixes, so that an alias such as 'rest' or
    // 'worker' keeps 'rest.bootstrap.servers'; top-level keys such as 'topics.exclude' still win over 'topics'.
    if (alias != null && isClusterKeyRest(key.substring(alias.length() + 1))) {
      clusterKey(clusters.get(alias), key, key.substring(alias.length() + 1), value);
    } else if (!topLevelKey(key, value)) {
      if (alias != null) {
        clusterKey(clusters.get(alias), key, key.substring(alias.length() + 1), value);
      } else {
        String foreign = foreignAlias(key);
        if (foreign != null) {
          warnings.add(key + ": cluster '" + foreign + "' is not in clusters " + aliases
              + "; key ignored; add '" + foreign + "' to clusters or remove the key");
        } else {
          warnings.add("unknown key '" + key + "' ignored");
        }
      }
    }
  }

  /**
   * Handles a top-level key; returns false when the key is not a top-level key Mirror recognises.
   *
   * @param raw the value as written, with its config provider references
   */
  private boolean topLevelKey(String key, String raw) {
    if (FLOW_SETTINGS.contains(key)) {
      String value = resolved(key, raw, problems);
      Object parsed = value == null ? null : flowSetting(key, key, value, problems);
      if (parsed == null) {
        invalidTopSettings.add(key);
      } else {
        topSettings.put(key, parsed);
      }
      return true;
    }
    if (POLICY_KEYS.contains(key)) {
      String value = resolved(key, raw, problems);
      if (value == null) {
        topPolicyInvalid = true;
      } else {
        topPolicyKeys.put(key, value);
      }
      return true;
    }
    if (key.equals(OFFSET_STORAGE_REPLICATION_FACTOR)) {
      String value = resolved(key, raw, problems);
      internalTopicReplicationFactor = value == null ? null : replicationFactor(key, value, problems);
      return true;
    }
    if (key.equals(ADMIN_TIMEOUT_MS)) {
      String value = resolved(key, raw, problems);
      Long ms = value == null ? null : positiveLong(key, value, "milliseconds", "60000", problems);
      if (ms != null) {
        operationTimeout = Duration.ofMillis(ms);
      }
      return true;
    }
    if (INTERNAL_TOPIC_RF_KEYS.contains(key)) {
      internalTopicRf(key, raw, problems);
      return true;
    }
    Mm2Keys.Known known = Mm2Keys.lookup(key);
    if (known != null) {
      known(key, raw, known, problems, Set.of());
      return true;
    }
    for (Role role : Role.values()) {
      if (key.startsWith(role.prefix())) {
        warnings.add(key + ": top-level client overrides are ignored, as in MirrorMaker 2; set '<alias>." + key
            + "' for a cluster or '<source>-><target>." + key + "' for a flow");
        return true;
      }
    }
    if (key.equals(CLIENT_ID)) {
      warnings.add(clientIdWarning(key));
      return true;
    }
    if (ClientKeys.isClusterFallback(key)) {
      checkClientValue(key, key, raw, anyClusterProviders(), problems);
      fallbacks.put(key, raw);
      return true;
    }
    if (ClientKeys.isClientKey(key)) {
      warnings.add(key + ": ignored; at the top level only bootstrap.servers, security.protocol, ssl.* and sasl.* "
          + "apply to every cluster, as in MirrorMaker 2; set '<alias>." + key + "' per cluster");
      return true;
    }
    return false;
  }

  private void known(String key, String raw, Mm2Keys.Known known, List<String> sink, Set<String> clientProviders) {
    if (known.replicationFactor()) {
      String value = resolved(key, raw, clientProviders, sink);
      if (value == null || replicationFactor(key, value, sink) == null) {
        return;
      }
    }
    warnings.add(known.warning(key));
  }

  /** Checks an MM2 internal topic's replication factor and keeps it for the choice of Mirror's one factor. */
  private void internalTopicRf(String key, String raw, List<String> sink) {
    String value = resolved(key, raw, sink);
    Integer rf = value == null ? null : replicationFactor(key, value, sink);
    if (rf != null) {
      internalTopicRfKeys.put(key, rf);
    }
  }

  /**
   * Checks a value that becomes a Kafka client setting as kafka-clients would parse it, after resolving its
   * references; the value itself stays as written, and the clients resolve it again with the same providers.
   * A value that still has references (to providers its clients declare themselves) is not checked.
   */
  private void checkClientValue(String key, String clientKey, String raw, Set<String> clientProviders,
      List<String> sink) {
    String value = resolved(key, raw, clientProviders, sink);
    if (value == null || ConfigProviders.hasReference(value)) {
      return;
    }
    String invalid = ClientKeys.invalidReason(clientKey, value);
    if (invalid != null) {
      sink.add(invalidClientValue(key, clientKey, value, invalid));
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // cluster keys: <alias>.<key>

  private void clusterKey(ClusterBuild c, String key, String rest, String raw) {
    for (Role role : Role.values()) {
      if (rest.startsWith(role.prefix()) && rest.length() > role.prefix().length()) {
        clusterRoleKey(c, role, key, rest.substring(role.prefix().length()), raw);
        return;
      }
    }
    if (rest.equals(CLIENT_ID)) {
      warnings.add(clientIdWarning(key));
      return;
    }
    if (rest.equals(OFFSET_STORAGE_REPLICATION_FACTOR)) {
      warnings.add(key + ": ignored; Mirror's own topics have one replication factor for every cluster; set it "
          + "with the top-level '" + OFFSET_STORAGE_REPLICATION_FACTOR + "'");
      return;
    }
    // A.group.id is a consumer key too, but in MM2 it names the Connect worker group of the herders targeting A.
    Mm2Keys.Known known = Mm2Keys.lookup(rest);
    if (known != null && (!ClientKeys.isClientKey(rest) || rest.equals("group.id"))) {
      known(key, raw, known, c.problems, clusterProviders(c.alias));
      return;
    }
    if (ClientKeys.isClientKey(rest)) {
      if (rest.equals(AUTO_OFFSET_RESET)) {
        c.autoOffsetReset = new String[] {key, raw};
        String value = resolved(key, raw, c.problems);
        c.autoOffsetResetPosition = value == null ? null : startPosition(key, value, c.problems);
        return;
      }
      String owned = ClientKeys.ownedReason(rest);
      if (owned != null) {
        warnings.add(ownedWarning(key, rest, owned));
        return;
      }
      checkClientValue(key, rest, raw, clusterProviders(c.alias), c.problems);
      Set<Role> roles = ClientKeys.roles(rest);
      if (roles.size() == Role.values().length) {
        c.shared.put(rest, raw);
        c.sharedOrigin.put(rest, key);
      } else {
        for (Role r : roles) {
          c.level.get(r).put(rest, raw);
        }
        c.levelOrigin.put(rest, key);
      }
      return;
    }
    if (FLOW_SETTINGS.contains(rest) || INTERNAL_TOPIC_RF_KEYS.contains(rest) || POLICY_KEYS.contains(rest)
        || rest.equals(ENABLED)) {
      warnings.add("unknown key '" + key + "' ignored; '" + rest + "' is a flow setting: set it at the top level or "
          + "as '" + c.alias + "-><target>." + rest + "'");
      return;
    }
    warnings.add("unknown key '" + key + "' ignored; cluster keys are Kafka client settings (use '" + c.alias
        + ".consumer." + rest + "' to pass a plugin setting to one client role)");
  }

  private void clusterRoleKey(ClusterBuild c, Role role, String key, String x, String raw) {
    if (x.equals(CLIENT_ID)) {
      warnings.add(clientIdWarning(key));
      return;
    }
    if (role == Role.CONSUMER && x.equals(AUTO_OFFSET_RESET)) {
      c.consumerAutoOffsetReset = new String[] {key, raw};
      String value = resolved(key, raw, c.problems);
      c.consumerAutoOffsetResetPosition = value == null ? null : startPosition(key, value, c.problems);
      return;
    }
    String owned = ClientKeys.ownedReason(role, x);
    if (owned != null) {
      warnings.add(ownedWarning(key, x, owned));
      return;
    }
    checkRoleValue(role, key, x, raw, clusterProviders(c.alias), c.problems);
    c.explicit.get(role).put(x, raw);
  }

  private void checkRoleValue(Role role, String key, String x, String raw, Set<String> clientProviders,
      List<String> sink) {
    if (!ClientKeys.knows(role, x)) {
      warnings.add(key + ": not a Kafka " + role.label + " setting; passed to the " + role.label + " unchanged");
      // Still resolved, so that a reference that cannot be resolved is reported before a client fails on it.
      resolved(key, raw, clientProviders, sink);
      return;
    }
    checkClientValue(key, x, raw, clientProviders, sink);
  }

  // ---------------------------------------------------------------------------------------------------------
  // flow keys: <source>-><target>.<key>

  private void flowKey(String key, String value) {
    String bestSource = null;
    String bestTarget = null;
    int bestLength = -1;
    for (String s : aliases) {
      for (String t : aliases) {
        String prefix = s + "->" + t + ".";
        if (key.startsWith(prefix) && prefix.length() > bestLength) {
          bestSource = s;
          bestTarget = t;
          bestLength = prefix.length();
        }
      }
    }
    if (bestSource != null && bestTarget != null) {
      if (bestSource.equals(bestTarget)) {
        warnings.add(key + ": a flow from cluster '" + bestSource + "' to itself is not possible; key ignored");
        return;
      }
      pairKeys.computeIfAbsent(bestSource + "->" + bestTarget, id -> new LinkedHashMap<>())
          .put(key.substring(bestLength), new String[] {key, value});
      return;
    }
    int arrow = key.indexOf("->");
    String source = key.substring(0, arrow);
    String after = key.substring(arrow + 2);
    String target = longestAliasPrefix(after, "");
    String rest;
    if (target != null) {
      rest = after.substring(target.length() + 1);
    } else if (after.endsWith("." + ENABLED)) {
      target = after.substring(0, after.length() - ENABLED.length() - 1);
      rest = ENABLED;
    } else {
      int dot = after.indexOf('.');
      target = dot < 0 ? after : after.substring(0, dot);
      rest = dot < 0 ? "" : after.substring(dot + 1);
    }
    List<String> unknown = new ArrayList<>();
    if (!aliases.contains(source)) {
      unknown.add("source cluster '" + source + "'");
    }
    if (!aliases.contains(target)) {
      unknown.add("target cluster '" + target + "'");
    }
    if (unknown.isEmpty()) { // e.g. 'A->B' without a setting after it
      warnings.add("unknown key '" + key + "' ignored; flow keys look like '" + source + "->" + target + ".enabled'");
      return;
    }
    String what = String.join(" and ", unknown);
    if (rest.equals(ENABLED) && value.trim().equalsIgnoreCase("true")) {
      flowEnableProblem = true;
      problems.add(key + ": unknown " + what + ", not in clusters " + aliases + "; add "
          + (unknown.size() == 1 ? "it" : "them") + " to clusters or fix the key");
    } else {
      warnings.add(key + ": flow '" + source + "->" + target + "' names " + what + ", which is not in clusters "
          + aliases + "; key ignored");
    }
  }

  /** Resolves the flow {@code source->target}; returns null when it is not enabled. */
  private Mm2Config.@Nullable FlowEntry pair(String source, String target) {
    String id = source + "->" + target;
    Map<String, String[]> keys = pairKeys.getOrDefault(id, Map.of());
    String[] enabledKey = keys.get(ENABLED);
    Boolean enabled = enabledKey == null ? Boolean.FALSE : enabled(enabledKey[0], enabledKey[1]);
    if (enabled == null) {
      flowEnableProblem = true;
      return null;
    }
    if (!enabled) {
      for (Map.Entry<String, String[]> e : keys.entrySet()) {
        if (!e.getKey().equals(ENABLED)) {
          warnings.add(e.getValue()[0] + ": flow '" + id + "' is not enabled (" + id + ".enabled is not true); key "
              + "ignored");
        }
      }
      return null;
    }
    return new FlowResolver(source, target, keys).resolve();
  }

  /**
   * Reads {@code S->T.enabled}. MM2 applies {@code Boolean.parseBoolean} to the raw value, so "true " (trailing
   * space) is false there; Mirror trims, reads true and warns. A value that is neither true nor false is a
   * problem rather than MM2's silent false.
   */
  private @Nullable Boolean enabled(String key, String raw) {
    String value = resolved(key, raw, problems);
    if (value == null) {
      return null;
    }
    String trimmed = value.trim();
    if (trimmed.equalsIgnoreCase("true")) {
      if (!trimmed.equals(value)) {
        warnings.add(key + ": '" + value + "' has surrounding whitespace; Mirror reads it as true, but MirrorMaker 2 "
            + "reads it as false (it does not trim this key); remove the whitespace");
      }
      return true;
    }
    if (trimmed.equalsIgnoreCase("false")) {
      return false;
    }
    problems.add(key + ": '" + value + "' is not a boolean; use true or false");
    return null;
  }

  /** Builds one enabled flow from its own keys, the top-level settings and the clusters it joins. */
  private final class FlowResolver {
    private final String source;
    private final String target;
    private final String id;
    private final Map<String, String[]> keys;
    private final List<String> flowProblems = new ArrayList<>();
    private final Map<String, Object> settings = new HashMap<>();
    private final Set<String> invalidSettings = new HashSet<>();
    private final Map<String, String> policyKeys = new TreeMap<>();
    private boolean policyInvalid;
    private final Map<Role, Map<String, String>> low = roleMaps();
    private final Map<Role, Map<String, String>> high = roleMaps();
    private String @Nullable [] lowOffsetReset;
    private @Nullable StartPosition lowPosition;
    private String @Nullable [] highOffsetReset;
    private @Nullable StartPosition highPosition;

    FlowResolver(String source, String target, Map<String, String[]> keys) {
      this.source = source;
      this.target = target;
      this.id = source + "->" + target;
      this.keys = keys;
    }

    Mm2Config.FlowEntry resolve() {
      for (Map.Entry<String, String[]> e : keys.entrySet()) {
        String rest = e.getKey();
        if (!rest.equals(ENABLED)) {
          key(rest, e.getValue()[0], e.getValue()[1]);
        }
      }
      boolean ok = true;
      FlowSpec.Builder b = FlowSpec.builder().from(source).to(target);
      for (String setting : FLOW_SETTINGS) {
        Object value;
        if (invalidSettings.contains(setting)) {
          ok = false;
          continue;
        } else if (settings.containsKey(setting)) {
          value = settings.get(setting);
        } else if (invalidTopSettings.contains(setting)) {
          ok = false;
          continue;
        } else {
          value = topSettings.get(setting);
        }
        if (value != null) {
          apply(b, setting, value);
        }
      }
      ok &= policy(b);
      StartPosition position = resolveStartPosition();
      if (position != null) {
        b.startPosition(position);
      }
      b.consumerOverrides(merged(Role.CONSUMER));
      b.producerOverrides(merged(Role.PRODUCER));
      b.adminOverrides(merged(Role.ADMIN));
      FlowSpec spec = null;
      if (ok) {
        try {
          spec = b.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
          flowProblems.add("flow '" + id + "': " + e.getMessage());
        }
      }
      return new Mm2Config.FlowEntry(source, target, spec, flowProblems);
    }

    /** Handles one key of this flow; {@code raw} is the value as written, with its references. */
    private void key(String rest, String key, String raw) {
      if (FLOW_SETTINGS.contains(rest)) {
        String value = resolved(key, raw, flowProblems);
        Object parsed = value == null ? null : flowSetting(rest, key, value, flowProblems);
        if (parsed == null) {
          invalidSettings.add(rest);
        } else {
          settings.put(rest, parsed);
        }
        return;
      }
      if (POLICY_KEYS.contains(rest)) {
        String value = resolved(key, raw, flowProblems);
        if (value == null) {
          policyInvalid = true;
        } else {
          policyKeys.put(rest, value);
        }
        return;
      }
      if (rest.equals(OFFSET_STORAGE_REPLICATION_FACTOR) || rest.equals(ADMIN_TIMEOUT_MS)) {
        warnings.add(key + ": ignored; Mirror supports '" + rest + "' only at the top level");
        return;
      }
      if (INTERNAL_TOPIC_RF_KEYS.contains(rest)) {
        internalTopicRf(key, raw, flowProblems);
        return;
      }
      if (ConfigProviders.isDeclarationKey(rest)) {
        warnings.add(key + ": ignored; declare config providers at the top level ('" + rest + "'), or per cluster "
            + "for its clients ('" + source + "." + rest + "')");
        return;
      }
      Mm2Keys.Known known = Mm2Keys.lookup(rest);
      if (known != null) {
        known(key, raw, known, flowProblems, flowClientProviders());
        return;
      }
      if (roleKey(rest, key, raw)) {
        return;
      }
      if (ClientKeys.isClientKey(rest)) {
        warnings.add("unknown key '" + key + "' ignored; set Kafka client settings per cluster ('" + source + "."
            + rest + "') or per flow and client role ('" + id + ".consumer." + rest + "')");
        return;
      }
      warnings.add("unknown key '" + key + "' ignored");
    }

    /** Handles {@code S->T.[source.|target.](consumer|producer|admin).x}; returns false for other keys. */
    private boolean roleKey(String rest, String key, String value) {
      for (Role role : Role.values()) {
        String lowPrefix = role.prefix();
        String highPrefix = (role == Role.PRODUCER ? "target." : "source.") + role.prefix();
        String otherPrefix = (role == Role.PRODUCER ? "source." : "target.") + role.prefix();
        if (rest.startsWith(lowPrefix) && rest.length() > lowPrefix.length()) {
          roleValue(role, false, key, rest.substring(lowPrefix.length()), value);
          return true;
        }
        if (role != Role.ADMIN && rest.startsWith(highPrefix) && rest.length() > highPrefix.length()) {
          roleValue(role, true, key, rest.substring(highPrefix.length()), value);
          return true;
        }
        if (rest.startsWith(otherPrefix) || (role == Role.ADMIN && rest.startsWith(highPrefix))) {
          warnings.add(key + ": not supported yet, ignored; per flow Mirror takes '" + id + ".consumer.*', '"
              + id + ".source.consumer.*', '" + id + ".producer.*', '" + id + ".target.producer.*' and '" + id
              + ".admin.*'");
          return true;
        }
      }
      return false;
    }

    private void roleValue(Role role, boolean isHigh, String key, String x, String raw) {
      if (x.equals(CLIENT_ID)) {
        warnings.add(clientIdWarning(key));
        return;
      }
      if (role == Role.CONSUMER && x.equals(AUTO_OFFSET_RESET)) {
        String value = resolved(key, raw, flowProblems);
        StartPosition position = value == null ? null : startPosition(key, value, flowProblems);
        if (isHigh) {
          highOffsetReset = new String[] {key, raw};
          highPosition = position;
        } else {
          lowOffsetReset = new String[] {key, raw};
          lowPosition = position;
        }
        return;
      }
      String owned = ClientKeys.ownedReason(role, x);
      if (owned != null) {
        warnings.add(ownedWarning(key, x, owned));
        return;
      }
      if (!isHigh) {
        String shadow = shadowingKey(role, x);
        if (shadow != null) {
          String override = id + "." + (role == Role.PRODUCER ? "target." : "source.") + role.prefix() + x;
          warnings.add(key + ": ignored; '" + shadow + "' sets it for the cluster, and MirrorMaker 2 gives cluster "
              + "settings precedence over flow settings"
              + (role == Role.ADMIN ? "" : "; use '" + override + "' to override it for this flow"));
          return;
        }
      }
      Set<String> clientProviders = role == Role.CONSUMER ? clusterProviders(source)
          : role == Role.PRODUCER ? clusterProviders(target) : flowClientProviders();
      checkRoleValue(role, key, x, raw, clientProviders, flowProblems);
      (isHigh ? high : low).get(role).put(x, raw);
    }

    /** Returns the key that sets {@code x} at cluster level for the clients this flow override would reach. */
    private @Nullable String shadowingKey(Role role, String x) {
      switch (role) {
        case CONSUMER:
          return clusters.get(source).origin(Role.CONSUMER, x, fallbacks);
        case PRODUCER:
          return clusters.get(target).origin(Role.PRODUCER, x, fallbacks);
        default:
          String s = clusters.get(source).origin(Role.ADMIN, x, fallbacks);
          return s != null ? s : clusters.get(target).origin(Role.ADMIN, x, fallbacks);
      }
    }

    private Map<String, String> merged(Role role) {
      Map<String, String> m = new LinkedHashMap<>(low.get(role));
      m.putAll(high.get(role));
      return m;
    }

    /** MM2 order: S->T.source.consumer > S.consumer > S (Mirror applies it) > S->T.consumer > default. */
    private @Nullable StartPosition resolveStartPosition() {
      ClusterBuild c = clusters.get(source);
      String[] clusterKey = c.consumerAutoOffsetReset != null ? c.consumerAutoOffsetReset : c.autoOffsetReset;
      StartPosition clusterPosition = c.consumerAutoOffsetReset != null
          ? c.consumerAutoOffsetResetPosition : c.autoOffsetResetPosition;
      if (highOffsetReset != null) {
        return highPosition;
      }
      if (clusterKey != null) {
        if (lowOffsetReset != null) {
          warnings.add(lowOffsetReset[0] + ": ignored; '" + clusterKey[0] + "' sets it for the cluster, and "
              + "MirrorMaker 2 gives cluster settings precedence over flow settings; use '" + id
              + ".source.consumer." + AUTO_OFFSET_RESET + "' to override it for this flow");
        }
        return clusterPosition;
      }
      return lowOffsetReset != null ? lowPosition : null;
    }

    /** Returns the providers the clients of this flow's clusters declare themselves. */
    private Set<String> flowClientProviders() {
      Set<String> names = new LinkedHashSet<>(clusterProviders(source));
      names.addAll(clusterProviders(target));
      return names;
    }

    /** Applies the replication policy keys; returns false when they are invalid. */
    private boolean policy(FlowSpec.Builder b) {
      if (topPolicyInvalid || policyInvalid) {
        return false;
      }
      ReplicationPolicy effective = topPolicy != null ? topPolicy : ReplicationPolicies.defaultPolicy();
      if (!policyKeys.isEmpty() || effective instanceof IdentityReplicationPolicy) {
        String separator = policyKeys.get(POLICY_SEPARATOR);
        if (separator != null && !legalSeparator(id + "." + POLICY_SEPARATOR, separator, flowProblems)) {
          return false;
        }
        Map<String, String> config = new HashMap<>(topPolicyKeys);
        config.putAll(policyKeys);
        // As in MM2, whose connectors configure their policy with source.cluster.alias = S.
        config.put(ReplicationPolicies.SOURCE_CLUSTER_ALIAS_CONFIG, source);
        try {
          effective = ReplicationPolicies.fromConfig(config);
        } catch (IllegalArgumentException e) {
          String message = String.valueOf(e.getMessage());
          String bad = POLICY_KEYS.stream().filter(k -> message.startsWith(k + " ")).findFirst().orElse(null);
          flowProblems.add(bad != null && policyKeys.containsKey(bad) ? id + "." + message
              : "flow '" + id + "': " + message);
          return false;
        }
        b.replicationPolicy(effective);
      }
      if (effective instanceof DefaultReplicationPolicy) {
        String sep = ((DefaultReplicationPolicy) effective).separator();
        if (source.contains(sep)) {
          flowProblems.add(CLUSTERS + ": alias '" + source + "' contains the replication policy separator '" + sep
              + "', so the remote topics of flow '" + id + "' could not be traced back to it; rename the alias or "
              + "choose another " + POLICY_SEPARATOR);
          return false;
        }
      }
      return true;
    }
  }

  @SuppressWarnings("unchecked")
  private static void apply(FlowSpec.Builder b, String setting, Object value) {
    switch (setting) {
      case TOPICS:
        b.topics((List<String>) value);
        break;
      case TOPICS_EXCLUDE:
        b.excludeTopics((List<String>) value);
        break;
      case REPLICATION_FACTOR:
        b.replicationFactor((Integer) value);
        break;
      case REFRESH_TOPICS_ENABLED:
        b.refreshTopics((Boolean) value);
        break;
      case REFRESH_TOPICS_INTERVAL_SECONDS:
        b.topicRefreshInterval((Duration) value);
        break;
      case SYNC_TOPIC_CONFIGS_ENABLED:
        b.syncTopicConfigs((Boolean) value);
        break;
      case CONFIG_PROPERTIES_EXCLUDE:
        b.configPropertiesExclude((List<String>) value);
        break;
      case GROUPS:
        b.groups((List<String>) value);
        break;
      case GROUPS_EXCLUDE:
        b.excludeGroups((List<String>) value);
        break;
      case EMIT_CHECKPOINTS_ENABLED:
        b.emitCheckpoints((Boolean) value);
        break;
      case EMIT_CHECKPOINTS_INTERVAL_SECONDS:
        b.checkpointInterval((Duration) value);
        break;
      case SYNC_GROUP_OFFSETS_ENABLED:
        b.syncGroupOffsets((Boolean) value);
        break;
      case SYNC_GROUP_OFFSETS_INTERVAL_SECONDS:
        b.syncGroupOffsetsInterval((Duration) value);
        break;
      case REFRESH_GROUPS_INTERVAL_SECONDS:
        b.groupRefreshInterval((Duration) value);
        break;
      case SYNC_TOPIC_CONFIGS_INTERVAL_SECONDS:
        b.topicConfigSyncInterval((Duration) value);
        break;
      case SYNC_TOPIC_ACLS_ENABLED:
        b.syncTopicAcls((Boolean) value);
        break;
      case SYNC_TOPIC_ACLS_INTERVAL_SECONDS:
        b.topicAclSyncInterval((Duration) value);
        break;
      case EMIT_HEARTBEATS_ENABLED:
        b.emitHeartbeats((Boolean) value);
        break;
      case EMIT_HEARTBEATS_INTERVAL_SECONDS:
        b.heartbeatInterval((Duration) value);
        break;
      case HEARTBEATS_REPLICATION_ENABLED:
        b.replicateHeartbeats((Boolean) value);
        break;
      case EMIT_OFFSET_SYNCS_ENABLED:
        b.emitOffsetSyncs((Boolean) value);
        break;
      case OFFSET_SYNCS_TOPIC_LOCATION:
        b.offsetSyncsLocation((OffsetSyncsLocation) value);
        break;
      case TASKS_MAX:
        b.tasks((Integer) value);
        break;
      case EXACTLY_ONCE_SOURCE_SUPPORT:
        b.exactlyOnce((Boolean) value);
        break;
      case COPY_BATCHES_ENABLED:
        b.copyBatches((Boolean) value);
        break;
      default:
        throw new IllegalArgumentException("not a flow setting: " + setting);
    }
  }

  private void buildTopPolicy() {
    if (topPolicyKeys.isEmpty()) {
      return;
    }
    String separator = topPolicyKeys.get(POLICY_SEPARATOR);
    if (separator != null && !legalSeparator(POLICY_SEPARATOR, separator, problems)) {
      topPolicyInvalid = true;
      return;
    }
    try {
      topPolicy = ReplicationPolicies.fromConfig(topPolicyKeys);
    } catch (IllegalArgumentException e) {
      problems.add(String.valueOf(e.getMessage()));
      topPolicyInvalid = true;
    }
  }

  /** Checks a non-empty separator for characters a topic name cannot have; an empty one is fromConfig's case. */
  private static boolean legalSeparator(String key, String separator, List<String> sink) {
    if (separator.isEmpty() || LEGAL_TOPIC_CHARS.matcher(separator).matches()) {
      return true;
    }
    boolean whitespace = !separator.equals(separator.strip());
    sink.add(key + ": '" + separator + "' has characters that are not legal in topic names; use only "
        + "[a-zA-Z0-9._-]"
        + (whitespace ? " (java.util.Properties keeps trailing whitespace in values: remove it)" : ""));
    return false;
  }

  // ---------------------------------------------------------------------------------------------------------
  // values

  /** Parses a flow setting; returns null after adding a problem to {@code sink} when it is invalid. */
  private @Nullable Object flowSetting(String setting, String key, String value, List<String> sink) {
    switch (setting) {
      case TOPICS:
      case TOPICS_EXCLUDE:
      case GROUPS:
      case GROUPS_EXCLUDE:
        return regexList(key, value, sink);
      case REPLICATION_FACTOR:
        return replicationFactor(key, value, sink);
      case REFRESH_TOPICS_ENABLED:
      case SYNC_TOPIC_CONFIGS_ENABLED:
      case EMIT_CHECKPOINTS_ENABLED:
      case SYNC_GROUP_OFFSETS_ENABLED:
      case EMIT_HEARTBEATS_ENABLED:
      case HEARTBEATS_REPLICATION_ENABLED:
      case EMIT_OFFSET_SYNCS_ENABLED:
      case SYNC_TOPIC_ACLS_ENABLED:
      case COPY_BATCHES_ENABLED:
        return bool(key, value, sink);
      case REFRESH_TOPICS_INTERVAL_SECONDS:
      case EMIT_CHECKPOINTS_INTERVAL_SECONDS:
      case EMIT_HEARTBEATS_INTERVAL_SECONDS:
      case SYNC_GROUP_OFFSETS_INTERVAL_SECONDS:
      case REFRESH_GROUPS_INTERVAL_SECONDS:
      case SYNC_TOPIC_CONFIGS_INTERVAL_SECONDS:
      case SYNC_TOPIC_ACLS_INTERVAL_SECONDS:
        Long seconds = positiveLong(key, value, "seconds", "60", sink);
        return seconds == null ? null : Duration.ofSeconds(seconds);
      case OFFSET_SYNCS_TOPIC_LOCATION:
        return offsetSyncsLocation(key, value, sink);
      case CONFIG_PROPERTIES_EXCLUDE:
        return configPropertiesExclude(key, value, sink);
      case TASKS_MAX:
        return tasks(key, value, sink);
      case EXACTLY_ONCE_SOURCE_SUPPORT:
        return exactlyOnceSupport(key, value, sink);
      default:
        throw new IllegalArgumentException("not a flow setting: " + setting);
    }
  }

  /**
   * Reads MM2's {@code exactly.once.source.support}: {@code enabled} turns on Mirror's exactly-once mode;
   * {@code preparing} (a step of a Connect cluster's rolling upgrade) and {@code disabled} leave it off.
   */
  private static @Nullable Boolean exactlyOnceSupport(String key, String value, List<String> sink) {
    switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "enabled":
        return true;
      case "disabled":
      case "preparing":
        return false;
      default:
        sink.add(key + ": '" + value + "' is not one of enabled, preparing, disabled");
        return null;
    }
  }

  /** Splits an MM2 LIST value: trimmed, comma-separated, entries trimmed; blank means the empty list. */
  static List<String> list(String value) {
    String trimmed = value.trim();
    return trimmed.isEmpty() ? List.of() : Arrays.asList(LIST_SEPARATOR.split(trimmed, -1));
  }

  private @Nullable List<String> regexList(String key, String value, List<String> sink) {
    List<String> entries = list(value);
    boolean ok = true;
    Set<String> seen = new HashSet<>();
    List<String> unique = new ArrayList<>();
    for (String entry : entries) {
      try {
        Pattern.compile(entry);
      } catch (PatternSyntaxException e) {
        sink.add(key + ": '" + entry + "' is not a valid Java regular expression (" + e.getDescription()
            + " near index " + e.getIndex() + "); fix the pattern, and note that entries are separated by commas, "
            + "so a pattern cannot contain one");
        ok = false;
        continue;
      }
      if (seen.add(entry)) {
        unique.add(entry);
      } else {
        warnings.add(key + ": '" + entry + "' is listed twice; Mirror uses it once (MirrorMaker 2 4.x rejects "
            + "duplicates)");
      }
    }
    return ok ? unique : null;
  }

  private @Nullable List<String> configPropertiesExclude(String key, String value, List<String> sink) {
    Set<String> names = new LinkedHashSet<>();
    boolean ok = true;
    for (String entry : list(value)) {
      if (LITERAL_PROPERTY.matcher(entry).matches()) {
        names.add(entry.replace("\\", ""));
        continue;
      }
      Pattern pattern;
      try {
        pattern = Pattern.compile(entry);
      } catch (PatternSyntaxException e) {
        sink.add(key + ": '" + entry + "' is not a valid Java regular expression (" + e.getDescription()
            + " near index " + e.getIndex() + "); fix the pattern or list property names");
        ok = false;
        continue;
      }
      List<String> matched = KNOWN_TOPIC_CONFIGS.stream().filter(n -> pattern.matcher(n).matches())
          .collect(Collectors.toList());
      names.addAll(matched);
      warnings.add(key + ": '" + entry + "' is a regular expression; Mirror excludes exact property names, so it "
          + "stands for the " + matched.size() + " standard topic configs it matches: " + matched);
    }
    return ok ? List.copyOf(names) : null;
  }

  private static @Nullable Integer replicationFactor(String key, String value, List<String> sink) {
    String trimmed = value.trim();
    int rf;
    try {
      rf = Integer.parseInt(trimmed);
    } catch (NumberFormatException e) {
      sink.add(key + ": '" + value + "' is not an integer; use a replication factor >= 1, or -1 for the broker "
          + "default");
      return null;
    }
    if (rf == 0 || rf < -1 || rf > Short.MAX_VALUE) {
      sink.add(key + ": '" + value + "' is out of range; use a replication factor from 1 to " + Short.MAX_VALUE
          + ", or -1 for the broker default");
      return null;
    }
    return rf;
  }

  /**
   * Reads {@code tasks.max}: MM2's number of tasks per connector becomes the number of threads that copy the
   * flow's partitions, at most {@link FlowSpec#MAX_TASKS}; a larger value is capped with a warning.
   */
  private @Nullable Integer tasks(String key, String value, List<String> sink) {
    long n;
    try {
      n = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      sink.add(key + ": '" + value + "' is not a whole number; use a number of copy threads from 1 to "
          + FlowSpec.MAX_TASKS);
      return null;
    }
    if (n < 1) {
      sink.add(key + ": '" + value + "' must be >= 1; use a number of copy threads from 1 to " + FlowSpec.MAX_TASKS);
      return null;
    }
    if (n > FlowSpec.MAX_TASKS) {
      warnings.add(key + ": " + value.trim() + " is more than Mirror's maximum of " + FlowSpec.MAX_TASKS
          + " copy threads per flow; Mirror uses " + FlowSpec.MAX_TASKS);
      return FlowSpec.MAX_TASKS;
    }
    return (int) n;
  }

  private static @Nullable Long positiveLong(String key, String value, String unit, String example,
      List<String> sink) {
    long n;
    try {
      n = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      sink.add(key + ": '" + value + "' is not a whole number of " + unit + "; use a positive number such as "
          + example);
      return null;
    }
    if (n <= 0) {
      sink.add(key + ": '" + value + "' must be > 0; use a positive number of " + unit + " such as " + example);
      return null;
    }
    return n;
  }

  private static @Nullable Boolean bool(String key, String value, List<String> sink) {
    String trimmed = value.trim();
    if (trimmed.equalsIgnoreCase("true")) {
      return Boolean.TRUE;
    }
    if (trimmed.equalsIgnoreCase("false")) {
      return Boolean.FALSE;
    }
    sink.add(key + ": '" + value + "' is not a boolean; use true or false");
    return null;
  }

  private static @Nullable OffsetSyncsLocation offsetSyncsLocation(String key, String value, List<String> sink) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("source")) {
      return OffsetSyncsLocation.SOURCE;
    }
    if (v.equals("target")) {
      return OffsetSyncsLocation.TARGET;
    }
    sink.add(key + ": '" + value + "' is not a location; use source or target");
    return null;
  }

  private static @Nullable StartPosition startPosition(String key, String value, List<String> sink) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("earliest")) {
      return StartPosition.EARLIEST;
    }
    if (v.equals("latest")) {
      return StartPosition.LATEST;
    }
    sink.add(key + ": '" + value + "' is not supported; use earliest or latest, which Mirror applies as the "
        + "start position of partitions it has no stored position for");
    return null;
  }

  // ---------------------------------------------------------------------------------------------------------
  // messages and helpers

  private static String invalidClientValue(String key, String clientKey, String value, String rule) {
    return key + ": " + shown(clientKey, value) + " is invalid for Kafka client setting '" + clientKey + "': " + rule
        + "; fix the value or remove the key";
  }

  private static String ownedWarning(String key, String clientKey, String reason) {
    return key + ": ignored; Mirror sets '" + clientKey + "' itself (" + reason + ")";
  }

  private static String clientIdWarning(String key) {
    return key + ": ignored; Mirror names its clients itself (client.id 'mirror-<name>-<flow>-<role>')";
  }

  /** Quotes a value for a message, or hides it when the key holds a secret. */
  private static String shown(String key, String value) {
    return Checks.isSecretKey(key) ? "[hidden]" : "'" + value + "'";
  }

  /** Returns the longest alias {@code a} such that {@code key} starts with {@code a + suffix + "."}. */
  private @Nullable String longestAliasPrefix(String key, String suffix) {
    String best = null;
    for (String alias : aliases) {
      if (key.startsWith(alias + suffix + ".") && (best == null || alias.length() > best.length())) {
        best = alias;
      }
    }
    return best;
  }

  /** Returns whether {@code rest} of {@code <alias>.<rest>} is a client setting or a role override. */
  private static boolean isClusterKeyRest(String rest) {
    for (Role role : Role.values()) {
      if (rest.startsWith(role.prefix())) {
        return true;
      }
    }
    return ClientKeys.isClientKey(rest);
  }

  /** Returns the alias-like prefix of a key that would be a cluster key for an alias not in clusters, or null. */
  private static @Nullable String foreignAlias(String key) {
    for (int dot = key.indexOf('.'); dot > 0; dot = key.indexOf('.', dot + 1)) {
      String prefix = key.substring(0, dot);
      String rest = key.substring(dot + 1);
      if (!LEGAL_ALIAS.matcher(prefix).matches()) {
        return null;
      }
      if (isClusterKeyRest(rest)) {
        return prefix;
      }
    }
    return null;
  }

  private static Map<Role, Map<String, String>> roleMaps() {
    Map<Role, Map<String, String>> m = new EnumMap<>(Role.class);
    for (Role r : Role.values()) {
      m.put(r, new TreeMap<>());
    }
    return m;
  }

  private static SortedSet<String> knownTopicConfigs() {
    SortedSet<String> names = new TreeSet<>(FlowSpec.DEFAULT_CONFIG_PROPERTIES_EXCLUDE);
    for (Field f : TopicConfig.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class && f.getName().endsWith("_CONFIG")) {
        try {
          names.add((String) f.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException("cannot read " + f, e);
        }
      }
    }
    return Collections.unmodifiableSortedSet(names);
  }

  /** The keys of one cluster, sorted into shared properties and per-role overrides. */
  private static final class ClusterBuild {
    final String alias;
    /** Client keys every role knows, from {@code A.<key>}. */
    final Map<String, String> shared = new TreeMap<>();
    final Map<String, String> sharedOrigin = new HashMap<>();
    /** Client keys only some roles know, from {@code A.<key>}. */
    final Map<Role, Map<String, String>> level = roleMaps();
    final Map<String, String> levelOrigin = new HashMap<>();
    /** {@code A.consumer.*}, {@code A.producer.*}, {@code A.admin.*}. */
    final Map<Role, Map<String, String>> explicit = roleMaps();
    String @Nullable [] autoOffsetReset;
    @Nullable StartPosition autoOffsetResetPosition;
    String @Nullable [] consumerAutoOffsetReset;
    @Nullable StartPosition consumerAutoOffsetResetPosition;
    final List<String> problems = new ArrayList<>();

    ClusterBuild(String alias) {
      this.alias = alias;
    }

    /** Returns the key that sets client property {@code x} for {@code role} clients of this cluster, or null. */
    @Nullable String origin(Role role, String x, Map<String, String> fallbacks) {
      if (explicit.get(role).containsKey(x)) {
        return alias + "." + role.prefix() + x;
      }
      if (level.get(role).containsKey(x)) {
        return levelOrigin.get(x);
      }
      if (shared.containsKey(x)) {
        return sharedOrigin.get(x);
      }
      return fallbacks.containsKey(x) ? x : null;
    }

    /**
     * Builds the cluster: the top-level fallbacks, then its own keys, then the top-level config provider
     * declarations, so that its clients resolve the references Mirror keeps in their settings.
     */
    Mm2Config.ClusterEntry entry(Map<String, String> fallbacks, ConfigProviders providers) {
      Map<String, String> properties = new TreeMap<>(fallbacks);
      properties.putAll(shared);
      List<String> problems = new ArrayList<>(this.problems);
      if (!providers.clientDeclarations().isEmpty()) {
        List<String> conflicts = providers.conflicts(properties);
        for (String name : conflicts) {
          problems.add(alias + "." + ConfigProviders.KEY + ": cluster '" + alias + "' declares config provider '"
              + name + "' differently from the top level ('" + ConfigProviders.KEY + "." + name + ".*'); its "
              + "clients get both, so give one of them another name");
        }
        Set<String> names = new LinkedHashSet<>(ConfigProviders.names(properties.get(ConfigProviders.KEY)));
        names.addAll(providers.names());
        properties.putAll(providers.clientDeclarations());
        properties.put(ConfigProviders.KEY, String.join(",", names));
      }
      ClusterSpec.Builder b = ClusterSpec.builder(alias).properties(properties);
      b.consumerOverrides(overrides(Role.CONSUMER));
      b.producerOverrides(overrides(Role.PRODUCER));
      b.adminOverrides(overrides(Role.ADMIN));
      return new Mm2Config.ClusterEntry(b.build(), problems);
    }

    private Map<String, String> overrides(Role role) {
      Map<String, String> m = new TreeMap<>(level.get(role));
      m.putAll(explicit.get(role));
      return m;
    }
  }
}
