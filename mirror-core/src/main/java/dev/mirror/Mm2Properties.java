package dev.mirror;

import dev.mirror.internal.mm2.Mm2Config;
import dev.mirror.internal.mm2.Mm2Parser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MirrorMaker 2 {@code mm2.properties} configuration (dedicated mode, as run by
 * {@code connect-mirror-maker.sh}), read into a {@link Mirror.Builder}, so an existing MM2 deployment can move to
 * Mirror with its file unchanged.
 *
 * <pre>{@code
 * Mm2Properties mm2 = Mm2Properties.load(Path.of("mm2.properties"));
 * mm2.warnings().forEach(System.err::println);      // keys Mirror ignores, each named
 * try (Mirror mirror = mm2.toBuilder().build().start()) {   // toBuilder throws if problems() is not empty
 *   ...
 * }
 * }</pre>
 *
 * <h2>Precedence and values</h2>
 *
 * As in MM2, a flow setting comes from {@code <source>-><target>.<key>}, else from the top-level {@code <key>},
 * else from the built-in default, which is <b>Mirror's</b> default where the two differ (see the table). Values
 * are read as MM2's {@code ConfigDef} reads them: booleans, numbers and lists are trimmed (a list is split on
 * commas, each entry trimmed; an empty value is an empty list, so {@code topics =} replicates nothing). Values
 * that become Kafka client properties are passed as written; kafka-clients trims them. {@code S->T.enabled} is
 * the exception in MM2, which applies {@code Boolean.parseBoolean} to the raw value so that {@code "true "} with
 * a trailing space means false; Mirror trims it, reads true and warns that MM2 would not, and refuses a value
 * that is neither true nor false instead of reading it as false.
 *
 * <h2>Keys</h2>
 *
 * <table>
 *   <caption>mm2.properties keys and the Mirror settings they become</caption>
 *   <tr><th>Key</th><th>Mirror setting</th></tr>
 *   <tr><td>{@code clusters}</td><td>Required list of aliases; each becomes a {@link ClusterSpec} when an enabled
 *       flow uses it. Duplicates and illegal aliases are problems.</td></tr>
 *   <tr><td>{@code name} (Mirror only)</td><td>{@link Mirror.Builder#name(String)}; default {@value #DEFAULT_NAME}.
 *       It is part of the name of the topic where Mirror keeps its positions on each target, so keep it stable.
 *       MM2 has no such key.</td></tr>
 *   <tr><td>{@code <S>-><T>.enabled}</td><td>A flow {@code S->T} exists only when true. An alias not in
 *       {@code clusters} is a problem; a flow from a cluster to itself is ignored with a warning.</td></tr>
 *   <tr><td>{@code <A>.bootstrap.servers}</td><td>Required for every cluster an enabled flow uses.</td></tr>
 *   <tr><td>{@code <A>.<client key>}</td><td>A key every Kafka client knows ({@code security.protocol},
 *       {@code ssl.*}, {@code sasl.*}, {@code request.timeout.ms}, {@code config.providers*} for providers only
 *       this cluster's clients use, ...) goes to
 *       {@link ClusterSpec#properties()}; a key only some clients know ({@code fetch.max.bytes},
 *       {@code compression.type}, ...) goes to those clients' overrides. MM2 applies only bootstrap, security,
 *       SSL and SASL keys of this form to its replication clients; Mirror applies every client key the file
 *       gives. Values are checked as kafka-clients would check them.</td></tr>
 *   <tr><td>{@code <A>.consumer.*}, {@code <A>.producer.*}, {@code <A>.admin.*}</td><td>
 *       {@link ClusterSpec#consumerOverrides()}, {@link ClusterSpec#producerOverrides()},
 *       {@link ClusterSpec#adminOverrides()}; they win over {@code <A>.<key>}.</td></tr>
 *   <tr><td>top-level {@code bootstrap.servers}, {@code security.protocol}, {@code ssl.*}, {@code sasl.*}</td>
 *       <td>Fallback for every cluster that does not set the key itself.</td></tr>
 *   <tr><td>{@code <S>-><T>.consumer.*}, {@code .producer.*}, {@code .admin.*}</td><td>The flow's
 *       {@linkplain FlowSpec#consumerOverrides() overrides}, except for keys the cluster already sets: MM2
 *       gives {@code S.consumer.x} precedence over {@code S->T.consumer.x}, so those are ignored with a warning.
 *       {@code <S>-><T>.source.consumer.*} and {@code <S>-><T>.target.producer.*} win over the cluster, as in
 *       MM2.</td></tr>
 *   <tr><td>{@code auto.offset.reset} in any consumer position above</td><td>{@link FlowSpec#startPosition()}
 *       ({@code earliest} or {@code latest}; other values are problems), with MM2's precedence.</td></tr>
 *   <tr><td>{@code topics}, {@code topics.exclude}</td><td>{@link FlowSpec#topics()},
 *       {@link FlowSpec#excludeTopics()}: lists of Java regular expressions matched against the whole topic name;
 *       an invalid one is a problem naming the key and the expression. Defaults as MM2 4.x: {@code .*} and
 *       {@link FlowSpec#DEFAULT_EXCLUDE_TOPICS}.</td></tr>
 *   <tr><td>{@code replication.factor}</td><td>{@link FlowSpec#replicationFactor()}. When absent, Mirror's
 *       default <b>-1 (the target broker's default)</b> applies, not MM2's 2.</td></tr>
 *   <tr><td>{@code tasks.max}</td><td>{@link FlowSpec#tasks()}: how many threads copy the flow's partitions
 *       (default 1, as in MM2). A value above {@value FlowSpec#MAX_TASKS} is capped at
 *       {@value FlowSpec#MAX_TASKS} with a warning; a value below 1 or not a whole number is a problem.</td></tr>
 *   <tr><td>{@code exactly.once.source.support}</td><td>{@link FlowSpec#exactlyOnce()}: {@code enabled} turns
 *       on exactly-once mode; {@code preparing} and {@code disabled} leave it off (default off).
 *       {@code exactly.once.support} (a connector's request) is not needed and warned about.</td></tr>
 *   <tr><td>{@code copy.batches.enabled}</td><td>{@link FlowSpec#copyBatches()}: Mirror's own key (MM2 has no
 *       batch copy); {@code false} copies single records instead of whole batches (default true).</td></tr>
 *   <tr><td>{@code refresh.topics.enabled}, {@code refresh.topics.interval.seconds}</td><td>
 *       {@link FlowSpec#refreshTopics()}, {@link FlowSpec#topicRefreshInterval()} (must be &gt; 0). When absent,
 *       Mirror's default interval of 5 seconds applies, not MM2's 600.</td></tr>
 *   <tr><td>{@code sync.topic.configs.enabled}, {@code sync.topic.configs.interval.seconds},
 *       {@code config.properties.exclude}</td><td>
 *       {@link FlowSpec#syncTopicConfigs()}, {@link FlowSpec#topicConfigSyncInterval()},
 *       {@link FlowSpec#configPropertiesExclude()}. MM2 reads the exclude entries as regular expressions, Mirror
 *       as names: escaped dots are unescaped, and any other expression is expanded to the standard topic configs
 *       it matches, with a warning.</td></tr>
 *   <tr><td>{@code replication.policy.class}, {@code replication.policy.separator},
 *       {@code replication.policy.internal.topic.separator.enabled}</td><td>
 *       {@link Mirror.Builder#replicationPolicy}, through
 *       {@link dev.mirror.client.ReplicationPolicies#fromConfig(Map)} (MM2 class names accepted). Per flow too,
 *       and an identity policy gets the flow's source as {@code source.cluster.alias}, as in MM2. A separator with
 *       characters that topic names cannot have (such as trailing whitespace) is a problem.</td></tr>
 *   <tr><td>{@code offset.storage.replication.factor}</td><td>
 *       {@link Mirror.Builder#internalTopicReplicationFactor(int)}, the replication factor of all Mirror's own
 *       topics: its positions topic replaces Connect's offsets topic. When absent, -1 (the broker default), not
 *       MM2's 3. Top level only.</td></tr>
 *   <tr><td>{@code admin.timeout.ms}</td><td>{@link Mirror.Builder#operationTimeout}; default Mirror's 30
 *       seconds, not MM2's 60. Top level only.</td></tr>
 *   <tr><td>{@code groups}, {@code groups.exclude}</td><td>{@link FlowSpec#groups()},
 *       {@link FlowSpec#excludeGroups()}: regular expression lists, as for topics.</td></tr>
 *   <tr><td>{@code sync.topic.acls.enabled}, {@code sync.topic.acls.interval.seconds}</td><td>
 *       {@link FlowSpec#syncTopicAcls()}, {@link FlowSpec#topicAclSyncInterval()}.</td></tr>
 *   <tr><td>{@code emit.checkpoints.enabled}, {@code emit.checkpoints.interval.seconds},
 *       {@code sync.group.offsets.enabled}, {@code sync.group.offsets.interval.seconds},
 *       {@code refresh.groups.interval.seconds}</td><td>{@link FlowSpec#emitCheckpoints()},
 *       {@link FlowSpec#checkpointInterval()} (when absent, Mirror's 5 seconds, not MM2's 60),
 *       {@link FlowSpec#syncGroupOffsets()}, {@link FlowSpec#syncGroupOffsetsInterval()},
 *       {@link FlowSpec#groupRefreshInterval()}. {@code refresh.groups.enabled} is warned as not supported:
 *       Mirror always looks for new groups.</td></tr>
 *   <tr><td>{@code emit.heartbeats.enabled}, {@code emit.heartbeats.interval.seconds},
 *       {@code heartbeats.replication.enabled}</td><td>{@link FlowSpec#emitHeartbeats()},
 *       {@link FlowSpec#heartbeatInterval()}, {@link FlowSpec#replicateHeartbeats()}.</td></tr>
 *   <tr><td>{@code emit.offset-syncs.enabled}, {@code offset-syncs.topic.location}</td><td>
 *       {@link FlowSpec#emitOffsetSyncs()}, {@link FlowSpec#offsetSyncsLocation()} ({@code source} or
 *       {@code target}). When absent, Mirror's default <b>target</b> applies, not MM2's source, so the source
 *       cluster can stay read-only.</td></tr>
 *   <tr><td>{@code checkpoints.topic.replication.factor}, {@code heartbeats.topic.replication.factor},
 *       {@code offset-syncs.topic.replication.factor} (top level and per flow)</td><td>Mirror creates all its
 *       own topics with one replication factor: {@code offset.storage.replication.factor} when given, else the
 *       largest of these (-1 only when all are -1). Each of these keys whose value differs from the factor used
 *       is warned as not used.</td></tr>
 *   <tr><td>{@code config.storage.replication.factor}, {@code status.storage.replication.factor}</td><td>Checked,
 *       then warned as not needed: Mirror has no Connect config or status topics.</td></tr>
 *   <tr><td>top-level {@code config.providers}, {@code config.providers.<name>.class},
 *       {@code config.providers.<name>.param.*}</td><td>Kafka config providers (such as
 *       {@code FileConfigProvider}, {@code EnvVarConfigProvider}, {@code DirectoryConfigProvider}) that resolve
 *       {@code ${provider:[path:]key}} references in any value of the file, as in MM2. Settings Mirror reads
 *       itself (flow settings, {@code clusters}, {@code name}, ...) get the resolved value. Kafka client settings
 *       keep the reference, and every cluster gets the provider declarations, so the clients resolve it
 *       themselves: secrets never enter Mirror's settings, messages or {@code toString()}. Every reference is
 *       still resolved once while parsing, so that a missing file, key or variable, an undeclared provider, or a
 *       provider class that cannot be loaded or configured is a problem naming the key (never a resolved
 *       value). A provider the system property {@code org.apache.kafka.automatic.config.providers} does not
 *       allow is a problem too. References to providers a cluster declares itself
 *       ({@code <A>.config.providers}) are left to that cluster's clients.</td></tr>
 *   <tr><td>{@code refresh.groups.enabled}, {@code offset.lag.max}, other {@code replication.policy.*}, filter
 *       classes, ...</td><td>Warning: not supported yet, ignored.</td></tr>
 *   <tr><td>Connect plumbing: converters, {@code offset/config/status.storage.*}, {@code group.id}, REST and
 *       worker keys, ...</td><td>Warning: not needed, ignored.</td></tr>
 *   <tr><td>{@code topics.blacklist}, {@code groups.blacklist}, {@code config.properties.blacklist}</td><td>
 *       Warning: removed in Kafka 4.0 and ignored (MM2 4.x ignores them too); use the {@code .exclude}
 *       keys.</td></tr>
 *   <tr><td>Client keys Mirror sets itself ({@code client.id}, {@code isolation.level},
 *       {@code enable.auto.commit}, {@code acks}, serializers, ...)</td><td>Warning: ignored, with the
 *       reason.</td></tr>
 *   <tr><td>{@code <C>.*} for an alias not in {@code clusters}, keys of a flow that is not enabled, top-level
 *       client keys other than the fallbacks, top-level {@code consumer.*} (MM2 drops those too)</td><td>Warning:
 *       ignored.</td></tr>
 *   <tr><td>anything else</td><td>Warning: {@code unknown key '<k>' ignored}.</td></tr>
 * </table>
 *
 * <p>No key is ignored silently: each one either sets something or produces a {@linkplain #warnings() warning}
 * naming it. Invalid values are {@linkplain #problems() problems}; each names the key, quotes the bad value
 * (secrets are shown as {@code [hidden]}) and says what to write instead. Warnings are also logged once, at WARN,
 * when the configuration is parsed.
 *
 * <p>Features MM2 has that Mirror does not have yet (custom filters) are off, whatever their MM2 defaults.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class Mm2Properties {
  /** The Mirror name when the configuration has no {@code name} key: {@value}. */
  public static final String DEFAULT_NAME = Mm2Parser.DEFAULT_NAME;

  private static final Logger log = LoggerFactory.getLogger(Mm2Properties.class);

  private final Mm2Config config;
  private final @Nullable Set<String> targets;
  private final List<String> problems;

  private Mm2Properties(Mm2Config config, @Nullable Set<String> targets) {
    this.config = config;
    this.targets = targets;
    this.problems = config.problems(targets);
  }

  /**
   * Reads a configuration from keys and values.
   *
   * @param properties the keys and values, as {@link Properties} would load them (trailing whitespace kept)
   * @return the configuration, with its {@linkplain #problems() problems} and {@linkplain #warnings() warnings}
   * @throws NullPointerException if the map, a key or a value is null
   */
  public static Mm2Properties parse(Map<String, String> properties) {
    return parse(properties, List.of());
  }

  /**
   * Reads an {@code mm2.properties} file with {@link Properties#load(InputStream)}, as MM2 does: ISO-8859-1 with
   * {@code \\uXXXX} escapes, {@code =}, {@code :} or whitespace between key and value, {@code #} and {@code !}
   * comments, trailing whitespace kept in values. A key given more than once keeps its last value, with a
   * warning.
   *
   * @param file the file
   * @return the configuration, with its {@linkplain #problems() problems} and {@linkplain #warnings() warnings}
   * @throws UncheckedIOException if the file cannot be read or has a malformed {@code \\uXXXX} escape; the
   *     message names the file
   */
  public static Mm2Properties load(Path file) {
    Objects.requireNonNull(file, "file");
    Set<String> repeated = new LinkedHashSet<>();
    Properties props = new Properties() {
      private static final long serialVersionUID = 1L;

      @Override
      public synchronized @Nullable Object put(Object key, Object value) {
        if (containsKey(key)) {
          repeated.add(String.valueOf(key));
        }
        return super.put(key, value);
      }
    };
    try (InputStream in = Files.newInputStream(file)) {
      props.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read mm2.properties file '" + file + "': " + e, e);
    } catch (IllegalArgumentException e) {
      throw new UncheckedIOException("cannot read mm2.properties file '" + file + "': " + e.getMessage()
          + "; fix the \\u escape", new IOException(e));
    }
    Map<String, String> map = new LinkedHashMap<>();
    for (String key : props.stringPropertyNames()) {
      map.put(key, props.getProperty(key));
    }
    List<String> fileWarnings = new ArrayList<>();
    for (String key : repeated) {
      fileWarnings.add(key + ": given more than once in '" + file + "'; the last value is used");
    }
    return parse(map, fileWarnings);
  }

  private static Mm2Properties parse(Map<String, String> properties, List<String> fileWarnings) {
    Mm2Properties parsed = new Mm2Properties(Mm2Parser.parse(properties, fileWarnings), null);
    for (String warning : parsed.warnings()) {
      log.warn("mm2.properties: {}", warning);
    }
    return parsed;
  }

  /**
   * Returns this configuration limited to the flows whose target is one of {@code targetAliases}, like
   * {@code connect-mirror-maker.sh --clusters}: a node runs the flows into the clusters it is near. Only those
   * flows, and the clusters they use, are checked and built. The warnings are not logged again.
   *
   * @param targetAliases aliases listed in {@code clusters}; an alias that is not listed is a problem
   * @return a new configuration; this one is unchanged
   * @throws IllegalArgumentException if {@code targetAliases} is empty
   */
  public Mm2Properties withClusters(Collection<String> targetAliases) {
    Objects.requireNonNull(targetAliases, "targetAliases");
    if (targetAliases.isEmpty()) {
      throw new IllegalArgumentException("targetAliases must name at least one target cluster, but was empty; "
          + "leave withClusters out to run every flow");
    }
    Set<String> set = new LinkedHashSet<>();
    for (String alias : targetAliases) {
      set.add(Objects.requireNonNull(alias, "targetAliases entry"));
    }
    return new Mm2Properties(config, Collections.unmodifiableSet(set));
  }

  /**
   * Returns one message per key that Mirror ignores or reads differently from MM2: unknown keys, MM2 features
   * Mirror does not have yet, Connect plumbing Mirror does not need, keys of clusters or flows that do not exist.
   * Each message names the key.
   */
  public List<String> warnings() {
    return config.warnings();
  }

  /**
   * Returns one message per problem that stops the configuration from being used, empty when there is none.
   * Each names the key, quotes the bad value and says what would be accepted.
   */
  public List<String> problems() {
    return problems;
  }

  /**
   * Returns a new builder configured with the enabled flows (those targeting the {@link #withClusters clusters}
   * chosen, if any) and the clusters they use, through the public builder API only; it can be changed further
   * before {@link Mirror.Builder#build()}, which may still report problems that span settings.
   *
   * @return a new builder
   * @throws MirrorConfigException when {@link #problems()} is not empty; it lists them all
   */
  public Mirror.Builder toBuilder() {
    if (!problems.isEmpty()) {
      throw new MirrorConfigException(problems);
    }
    return config.toBuilder(targets);
  }

  /**
   * Returns the replication factor of Mirror's own topics that the file sets, or null; for tests, since the
   * builder does not expose it.
   */
  @Nullable Integer internalTopicReplicationFactor() {
    return config.internalTopicReplicationFactor();
  }

  /** Returns the Mirror name, clusters, enabled flows and {@code --clusters} targets; no property values. */
  @Override
  public String toString() {
    return "Mm2Properties{" + config.describe(targets) + ", " + problems.size() + " problems, "
        + config.warnings().size() + " warnings}";
  }
}
