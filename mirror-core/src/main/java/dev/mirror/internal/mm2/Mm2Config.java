package dev.mirror.internal.mm2;

import dev.mirror.ClusterSpec;
import dev.mirror.FlowSpec;
import dev.mirror.Mirror;
import dev.mirror.client.ReplicationPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The result of parsing an {@code mm2.properties} configuration: every cluster and enabled flow as Mirror
 * specifications, with the problems found, kept apart by cluster and by flow so that a subset of the flows (the
 * runner's {@code --clusters}) reports only the problems that concern it. Immutable.
 */
public final class Mm2Config {

  /**
   * A cluster listed in {@code clusters}.
   *
   * @param spec the cluster's properties and role overrides
   * @param problems invalid values of this cluster's keys
   */
  record ClusterEntry(ClusterSpec spec, List<String> problems) {
    ClusterEntry {
      problems = List.copyOf(problems);
    }
  }

  /**
   * An enabled flow between two clusters listed in {@code clusters}.
   *
   * @param source the source alias
   * @param target the target alias
   * @param spec the flow, or null when a value it needs is invalid
   * @param problems invalid values of this flow's keys
   */
  record FlowEntry(String source, String target, @Nullable FlowSpec spec, List<String> problems) {
    FlowEntry {
      problems = List.copyOf(problems);
    }

    String id() {
      return source + "->" + target;
    }
  }

  private final String name;
  private final List<String> aliases;
  private final Map<String, ClusterEntry> clusters;
  private final List<FlowEntry> flows;
  private final List<String> globalProblems;
  private final boolean flowEnableProblem;
  private final List<String> warnings;
  private final @Nullable ReplicationPolicy replicationPolicy;
  private final @Nullable Integer internalTopicReplicationFactor;
  private final @Nullable Duration operationTimeout;

  Mm2Config(String name, List<String> aliases, Map<String, ClusterEntry> clusters, List<FlowEntry> flows,
      List<String> globalProblems, boolean flowEnableProblem, List<String> warnings,
      @Nullable ReplicationPolicy replicationPolicy, @Nullable Integer internalTopicReplicationFactor,
      @Nullable Duration operationTimeout) {
    this.name = name;
    this.aliases = List.copyOf(aliases);
    this.clusters = Map.copyOf(clusters);
    this.flows = List.copyOf(flows);
    this.globalProblems = List.copyOf(globalProblems);
    this.flowEnableProblem = flowEnableProblem;
    this.warnings = List.copyOf(warnings);
    this.replicationPolicy = replicationPolicy;
    this.internalTopicReplicationFactor = internalTopicReplicationFactor;
    this.operationTimeout = operationTimeout;
  }

  /** Returns the warnings: keys that are ignored, unknown or differ from MirrorMaker 2, one message each. */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * Returns the replication factor of Mirror's own topics that the file sets, directly
   * ({@code offset.storage.replication.factor}) or through MM2's internal topics' factors; null when it sets none.
   */
  public @Nullable Integer internalTopicReplicationFactor() {
    return internalTopicReplicationFactor;
  }

  /** Returns the ids ({@code S->T}) of the enabled flows, in the order of {@code clusters}. */
  public List<String> flowIds() {
    return flows.stream().map(FlowEntry::id).collect(Collectors.toUnmodifiableList());
  }

  /**
   * Returns the problems that stop the flows targeting {@code targets} from running: problems of the whole
   * file, of those flows, and of the clusters they use.
   *
   * @param targets target aliases to keep flows for, or null for every flow
   * @return the problems, empty when the configuration can be used
   */
  public List<String> problems(@Nullable Set<String> targets) {
    List<String> problems = new ArrayList<>(globalProblems);
    if (targets != null) {
      for (String t : targets) {
        if (!aliases.contains(t)) {
          problems.add("--clusters: '" + t + "' is not in clusters " + aliases
              + "; name target clusters listed in 'clusters'");
        }
      }
    }
    List<FlowEntry> included = included(targets);
    // Without aliases the problem with 'clusters' says it all.
    if (included.isEmpty() && !flowEnableProblem && !aliases.isEmpty()) {
      if (flows.isEmpty()) {
        problems.add("no flow is enabled: set '<source>-><target>.enabled = true' for two aliases of clusters "
            + aliases + ", e.g. '" + example() + ".enabled = true'");
      } else if (targets != null) {
        problems.add("--clusters: no enabled flow targets " + targets + "; the enabled flows are " + flowIds()
            + ", so name one of their targets");
      }
    }
    for (String alias : used(included)) {
      ClusterEntry c = clusters.get(alias);
      if (!c.spec().properties().containsKey("bootstrap.servers")) {
        problems.add(alias + ".bootstrap.servers is missing: cluster '" + alias + "' is used by flows "
            + included.stream().filter(f -> f.source().equals(alias) || f.target().equals(alias))
                .map(FlowEntry::id).collect(Collectors.toList())
            + "; add '" + alias + ".bootstrap.servers = host:9092'");
      }
      problems.addAll(c.problems());
    }
    for (FlowEntry f : included) {
      problems.addAll(f.problems());
    }
    return List.copyOf(problems);
  }

  /**
   * Configures a new Mirror builder with the flows that target {@code targets} and the clusters they use. Call
   * only when {@link #problems(Set)} is empty.
   */
  public Mirror.Builder toBuilder(@Nullable Set<String> targets) {
    Mirror.Builder b = Mirror.builder().name(name);
    if (replicationPolicy != null) {
      b.replicationPolicy(replicationPolicy);
    }
    if (internalTopicReplicationFactor != null) {
      b.internalTopicReplicationFactor(internalTopicReplicationFactor);
    }
    if (operationTimeout != null) {
      b.operationTimeout(operationTimeout);
    }
    List<FlowEntry> included = included(targets);
    for (String alias : used(included)) {
      b.cluster(clusters.get(alias).spec());
    }
    for (FlowEntry f : included) {
      if (f.spec() == null) {
        throw new IllegalStateException("flow '" + f.id() + "' has problems " + f.problems()
            + "; call toBuilder only when problems() is empty");
      }
      b.flow(f.spec());
    }
    return b;
  }

  /** Returns a short description, without any property value. */
  public String describe(@Nullable Collection<String> targets) {
    return "name=" + name + ", clusters=" + aliases + ", flows=" + flowIds()
        + (targets == null ? "" : ", --clusters=" + targets);
  }

  private List<FlowEntry> included(@Nullable Set<String> targets) {
    if (targets == null) {
      return flows;
    }
    return flows.stream().filter(f -> targets.contains(f.target())).collect(Collectors.toList());
  }

  private Set<String> used(List<FlowEntry> included) {
    Set<String> used = new LinkedHashSet<>();
    for (String alias : aliases) {
      for (FlowEntry f : included) {
        if (f.source().equals(alias) || f.target().equals(alias)) {
          used.add(alias);
        }
      }
    }
    return used;
  }

  private String example() {
    return aliases.size() >= 2 ? aliases.get(0) + "->" + aliases.get(1) : "A->B";
  }
}
