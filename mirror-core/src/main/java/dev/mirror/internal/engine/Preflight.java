package dev.mirror.internal.engine;

import dev.mirror.FlowSpec;
import dev.mirror.MirrorException;
import dev.mirror.OffsetSyncsLocation;
import dev.mirror.PermissionReport;
import dev.mirror.client.ReplicationPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.jspecify.annotations.Nullable;

/**
 * Checks, with the principals' authorized operations as the brokers report them, the permissions a flow needs:
 * on the source, to read and describe its topics and groups; on the target, to create and write remote and
 * internal topics, alter their configs and partitions, and copy ACLs.
 */
final class Preflight {
  private final FlowSpec flow;
  private final ReplicationPolicy policy;
  private final String stateTopic;
  private final Duration timeout;
  private final List<PermissionReport.Check> checks = new ArrayList<>();

  private final String mirrorName;

  Preflight(FlowSpec flow, ReplicationPolicy policy, String stateTopic, String mirrorName, Duration timeout) {
    this.mirrorName = mirrorName;
    this.flow = flow;
    this.policy = policy;
    this.stateTopic = stateTopic;
    this.timeout = timeout;
  }

  List<PermissionReport.Check> run(Admin source, Admin target) throws InterruptedException {
    TopicFilter filter = new TopicFilter(flow, policy);
    Set<String> sourceVisible = get(source.listTopics().names(), flow.source());
    Set<String> sourceTopics = new TreeSet<>();
    for (String t : sourceVisible) {
      if (filter.test(t)) {
        sourceTopics.add(t);
      }
    }
    Map<String, TopicDescription> sourceDesc = describe(source, flow.source(), sourceTopics);
    for (TopicDescription d : sourceDesc.values()) {
      Set<AclOperation> ops = d.authorizedOperations();
      check(flow.source(), "TOPIC", d.name(), AclOperation.READ, ops, true, "to copy its records");
      check(flow.source(), "TOPIC", d.name(), AclOperation.DESCRIBE_CONFIGS, ops, flow.syncTopicConfigs(),
          "to copy its configuration");
    }
    if (flow.emitCheckpoints()) {
      List<String> groups = new ArrayList<>();
      for (GroupListing g : get(source.listGroups(ListGroupsOptions.forConsumerGroups()).all(), flow.source())) {
        if (matches(flow.groups(), g.groupId()) && !matches(flow.excludeGroups(), g.groupId())) {
          groups.add(g.groupId());
        }
      }
      if (!groups.isEmpty()) {
        Map<String, ConsumerGroupDescription> described = get(source.describeConsumerGroups(groups,
            new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true)).all(), flow.source());
        for (ConsumerGroupDescription g : described.values()) {
          check(flow.source(), "GROUP", g.groupId(), AclOperation.DESCRIBE, g.authorizedOperations(), true,
              "to read its committed offsets for checkpoints");
        }
        if (flow.syncGroupOffsets()) {
          targetGroups(target, groups);
        }
      }
    }
    Set<AclOperation> sourceCluster = clusterOps(source, flow.source());
    if (flow.syncTopicAcls()) {
      check(flow.source(), "CLUSTER", "kafka-cluster", AclOperation.DESCRIBE, sourceCluster, false,
          "to read topic ACLs for ACL sync");
    }

    Set<AclOperation> targetCluster = clusterOps(target, flow.target());
    Set<String> targetTopics = get(target.listTopics().names(), flow.target());
    List<String> remote = new ArrayList<>();
    for (String t : sourceDesc.keySet()) {
      remote.add(policy.formatRemoteTopic(flow.source(), t));
    }
    topicsOnTarget(target, targetTopics, remote, true, true);
    List<String> internal = new ArrayList<>();
    internal.add(stateTopic);
    if (flow.emitCheckpoints()) {
      internal.add(policy.checkpointsTopic(flow.source()));
    }
    if (flow.emitHeartbeats()) {
      internal.add(policy.heartbeatsTopic());
    }
    if (flow.emitOffsetSyncs() && flow.offsetSyncsLocation() == OffsetSyncsLocation.TARGET) {
      internal.add(policy.offsetSyncsTopic(flow.source()));
    }
    topicsOnTarget(target, targetTopics, internal, false, false);
    if (flow.syncTopicAcls()) {
      check(flow.target(), "CLUSTER", "kafka-cluster", AclOperation.ALTER, targetCluster, false,
          "to create topic ACLs for ACL sync");
    }
    if (flow.exactlyOnce()) {
      String prefix = InternalTopics.transactionalIdPrefix(mirrorName, flow.id());
      addCheck(flow.target(), "TRANSACTIONAL_ID", prefix + "*", AclOperation.WRITE,
          mayUseTransactionalId(target, prefix + "0"), true,
          "to write in transactions in exactly-once mode (a PREFIXED ACL on '" + prefix + "')");
    }
    if (flow.emitHeartbeats()) {
      String hb = policy.heartbeatsTopic();
      if (sourceVisible.contains(hb)) {
        check(flow.source(), "TOPIC", hb, AclOperation.WRITE,
            describe(source, flow.source(), Set.of(hb)).get(hb).authorizedOperations(), false,
            "to write heartbeats that trace replication paths downstream");
      } else {
        canCreate(source, flow.source(), List.of(hb), false);
      }
    }
    return checks;
  }

  private void topicsOnTarget(Admin target, Set<String> existing, Collection<String> topics, boolean remote,
      boolean alterable) throws InterruptedException {
    List<String> present = new ArrayList<>();
    List<String> absent = new ArrayList<>();
    for (String t : topics) {
      (existing.contains(t) ? present : absent).add(t);
    }
    canCreate(target, flow.target(), absent, true);
    for (TopicDescription d : describe(target, flow.target(), present).values()) {
      Set<AclOperation> ops = d.authorizedOperations();
      check(flow.target(), "TOPIC", d.name(), AclOperation.WRITE, ops, true,
          remote ? "to write replicated records" : "to write Mirror's records");
      if (!remote) {
        check(flow.target(), "TOPIC", d.name(), AclOperation.READ, ops, true, "to restore what Mirror wrote");
      }
      if (alterable) {
        check(flow.target(), "TOPIC", d.name(), AclOperation.ALTER_CONFIGS, ops, flow.syncTopicConfigs(),
            "to keep its configuration in line with the source");
        check(flow.target(), "TOPIC", d.name(), AclOperation.ALTER, ops, false,
            "to add partitions when the source grows");
      }
    }
  }

  /**
   * Asks the broker to validate, without creating anything, the creation of topics that do not exist: the
   * answer says whether the principal may create them (CREATE on the topic or on the cluster).
   */
  private void canCreate(Admin admin, String cluster, List<String> topics, boolean required)
      throws InterruptedException {
    if (topics.isEmpty()) {
      return;
    }
    List<org.apache.kafka.clients.admin.NewTopic> newTopics = new ArrayList<>();
    for (String t : topics) {
      newTopics.add(new org.apache.kafka.clients.admin.NewTopic(t, java.util.Optional.empty(),
          java.util.Optional.empty()));
    }
    Map<String, KafkaFuture<Void>> results = admin.createTopics(newTopics,
        new org.apache.kafka.clients.admin.CreateTopicsOptions().validateOnly(true)).values();
    for (String t : topics) {
      boolean granted = true;
      try {
        results.get(t).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        granted = !(e.getCause() instanceof org.apache.kafka.common.errors.AuthorizationException);
      } catch (TimeoutException e) {
        throw new MirrorException("checking permissions on " + label(cluster) + ": no answer within "
            + timeout.toMillis() + " ms", e);
      }
      addCheck(cluster, "TOPIC", t, AclOperation.CREATE, granted, required,
          "to create it (CREATE on the topic or on the cluster)");
    }
  }

  private void check(String cluster, String type, String resource, AclOperation op, @Nullable Set<AclOperation> ops,
      boolean required, String purpose) {
    addCheck(cluster, type, resource, op, ops == null || ops.contains(op) || ops.contains(AclOperation.ALL), required,
        purpose);
  }

  private void addCheck(String cluster, String type, String resource, AclOperation op, boolean granted,
      boolean required, String purpose) {
    for (PermissionReport.Check c : checks) {
      if (c.cluster().equals(cluster) && c.resourceType().equals(type) && c.resource().equals(resource)
          && c.operation().equals(op.name())) {
        return;
      }
    }
    checks.add(new PermissionReport.Check(cluster, type, resource, op.name(), granted, required, purpose));
  }

  /** Checks that Mirror may commit the translated offsets of {@code groups} on the target (READ on each). */
  private void targetGroups(Admin target, List<String> groups) throws InterruptedException {
    Map<String, KafkaFuture<ConsumerGroupDescription>> described = target.describeConsumerGroups(groups,
        new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true)).describedGroups();
    for (String g : groups) {
      Set<AclOperation> ops;
      try {
        ops = described.get(g).get(timeout.toMillis(), TimeUnit.MILLISECONDS).authorizedOperations();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException) {
          continue; // DESCRIBE passed; READ on a group that does not exist yet is found out at the first sync
        }
        if (!(e.getCause() instanceof org.apache.kafka.common.errors.GroupAuthorizationException)) {
          throw new MirrorException("describing group '" + g + "' on cluster '" + flow.target() + "': "
              + Errors.describe(e.getCause(), "DESCRIBE", "GROUP", g), e.getCause());
        }
        ops = Set.of();
      } catch (TimeoutException e) {
        throw new MirrorException("describing group '" + g + "' on cluster '" + flow.target() + "': no answer within "
            + timeout.toMillis() + " ms; check that the cluster is up and reachable", e);
      }
      check(flow.target(), "GROUP", g, AclOperation.READ, ops, true, "to commit its translated offsets (group"
          + " offset sync)");
    }
  }

  /**
   * Asks the target about one of the flow's transactional ids: refused means Mirror's principal may not use
   * them (WRITE implies the DESCRIBE asked for); unknown or described means it may.
   */
  private boolean mayUseTransactionalId(Admin target, String transactionalId) throws InterruptedException {
    try {
      target.describeTransactions(List.of(transactionalId)).description(transactionalId)
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (ExecutionException e) {
      return !(e.getCause() instanceof org.apache.kafka.common.errors.TransactionalIdAuthorizationException);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new MirrorException("asking cluster '" + flow.target() + "' about transactional id '" + transactionalId
          + "': no answer within " + timeout.toMillis() + " ms; check that the cluster is up and reachable", e);
    }
  }

  private Set<AclOperation> clusterOps(Admin admin, String cluster) throws InterruptedException {
    Set<AclOperation> ops = get(admin.describeCluster(new DescribeClusterOptions()
        .includeAuthorizedOperations(true)).authorizedOperations(), cluster);
    return ops == null ? Set.of(AclOperation.ALL) : ops;
  }

  private Map<String, TopicDescription> describe(Admin admin, String cluster, Collection<String> topics)
      throws InterruptedException {
    if (topics.isEmpty()) {
      return Map.of();
    }
    return get(admin.describeTopics(topics, new DescribeTopicsOptions().includeAuthorizedOperations(true))
        .allTopicNames(), cluster);
  }

  private String label(String cluster) {
    return (cluster.equals(flow.source()) ? "source" : "target") + " cluster '" + cluster + "'";
  }

  private static boolean matches(List<Pattern> patterns, String value) {
    for (Pattern p : patterns) {
      if (p.matcher(value).matches()) {
        return true;
      }
    }
    return false;
  }

  private <T> T get(KafkaFuture<T> future, String cluster) throws InterruptedException {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new MirrorException("checking permissions on " + label(cluster) + ": "
          + Errors.describe(e.getCause(), "DESCRIBE", "CLUSTER", ""), e.getCause());
    } catch (TimeoutException e) {
      throw new MirrorException("checking permissions on " + label(cluster) + ": no answer within "
          + timeout.toMillis() + " ms; check that the cluster is up and reachable at its bootstrap.servers", e);
    }
  }
}
