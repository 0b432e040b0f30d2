package dev.mirror.internal.engine;

import dev.mirror.FlowSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.slf4j.Logger;

/**
 * Keeps remote topics' configuration and ACLs in line with the source on an interval, as MirrorMaker 2 does.
 *
 * <p>Configs: a source entry that is set on the topic (not a default, not read-only, not secret, not static
 * broker config, not excluded) is SET on the remote topic; a source entry at its default is DELETEd on the
 * remote topic, so the target's own default applies. Only entries that differ are changed.
 *
 * <p>ACLs: LITERAL topic ACLs of replicated topics are copied to the remote topic, except ALLOW WRITE (only
 * Mirror writes remote topics); ALLOW ALL becomes ALLOW READ. ACLs on the target are never deleted. A cluster
 * without an authorizer is skipped with one log line.
 */
final class MetadataSync {
  private final FlowSpec flow;
  private final Duration timeout;
  private final Logger log;
  private final TopicSync topicSync;
  private boolean aclsUnsupportedLogged;
  /** Set when the source refuses to describe its ACLs: warned once, not retried for this flow's life. */
  private boolean aclSyncOff;

  MetadataSync(FlowSpec flow, TopicSync topicSync, Duration timeout, Logger log) {
    this.flow = flow;
    this.topicSync = topicSync;
    this.timeout = timeout;
    this.log = log;
  }

  /** Aligns the remote topics' configs with their sources'; returns the number of entries changed. */
  int syncConfigs(Admin source, Admin target, Collection<TopicSync.Mapping> mappings, List<String> problems)
      throws InterruptedException {
    if (mappings.isEmpty()) {
      return 0;
    }
    Map<String, String> remoteOf = new HashMap<>();
    List<ConfigResource> sourceResources = new ArrayList<>();
    List<ConfigResource> targetResources = new ArrayList<>();
    for (TopicSync.Mapping m : mappings) {
      remoteOf.put(m.sourceTopic(), m.remoteTopic());
      sourceResources.add(new ConfigResource(ConfigResource.Type.TOPIC, m.sourceTopic()));
      targetResources.add(new ConfigResource(ConfigResource.Type.TOPIC, m.remoteTopic()));
    }
    Map<ConfigResource, Config> sourceConfigs;
    Map<ConfigResource, Config> targetConfigs;
    try {
      sourceConfigs = source.describeConfigs(sourceResources).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      targetConfigs = target.describeConfigs(targetResources).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      problems.add("cannot read topic configs for config sync: " + Errors.describe(
          e instanceof ExecutionException ? e.getCause() : e, "DESCRIBE_CONFIGS", "TOPIC", "*"));
      return 0;
    }
    Map<ConfigResource, Collection<AlterConfigOp>> ops = new HashMap<>();
    sourceConfigs.forEach((resource, config) -> {
      String remote = remoteOf.get(resource.name());
      Config current = targetConfigs.get(new ConfigResource(ConfigResource.Type.TOPIC, remote));
      if (remote == null || current == null) {
        return;
      }
      List<AlterConfigOp> list = new ArrayList<>();
      for (ConfigEntry e : config.entries()) {
        if (e.isReadOnly() || e.isSensitive() || e.source() == ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG
            || flow.configPropertiesExclude().contains(e.name())) {
          continue;
        }
        ConfigEntry now = current.get(e.name());
        if (topicSync.shouldCopy(e)) {
          if (now == null || !e.value().equals(now.value())) {
            list.add(new AlterConfigOp(new ConfigEntry(e.name(), e.value()), AlterConfigOp.OpType.SET));
          }
        } else if (e.source() == ConfigEntry.ConfigSource.DEFAULT_CONFIG && now != null
            && now.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
          list.add(new AlterConfigOp(new ConfigEntry(e.name(), null), AlterConfigOp.OpType.DELETE));
        }
      }
      if (!list.isEmpty()) {
        ops.put(new ConfigResource(ConfigResource.Type.TOPIC, remote), list);
      }
    });
    if (ops.isEmpty()) {
      return 0;
    }
    int changed = 0;
    for (Map.Entry<ConfigResource, ? extends org.apache.kafka.common.KafkaFuture<Void>> r
        : target.incrementalAlterConfigs(ops).values().entrySet()) {
      try {
        r.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        changed += ops.get(r.getKey()).size();
        log.info("synced config of remote topic '{}' on cluster '{}': {}", r.getKey().name(), flow.target(),
            describe(ops.get(r.getKey())));
      } catch (ExecutionException | TimeoutException e) {
        problems.add("cannot sync config of remote topic '" + r.getKey().name() + "' on cluster '" + flow.target()
            + "': " + Errors.describe(e instanceof ExecutionException ? e.getCause() : e, "ALTER_CONFIGS", "TOPIC",
            r.getKey().name()));
      }
    }
    return changed;
  }

  private static String describe(Collection<AlterConfigOp> ops) {
    List<String> parts = new ArrayList<>();
    for (AlterConfigOp op : ops) {
      parts.add(op.opType() == AlterConfigOp.OpType.SET ? op.configEntry().name() + "=" + op.configEntry().value()
          : "reset " + op.configEntry().name());
    }
    return String.join(", ", parts);
  }

  /** Copies the replicated topics' ACLs to their remote topics; returns the number of ACLs created. */
  int syncAcls(Admin source, Admin target, Collection<TopicSync.Mapping> mappings, List<String> problems)
      throws InterruptedException {
    if (aclSyncOff) {
      return 0;
    }
    Map<String, String> remoteOf = new HashMap<>();
    for (TopicSync.Mapping m : mappings) {
      remoteOf.put(m.sourceTopic(), m.remoteTopic());
    }
    Collection<AclBinding> sourceAcls;
    try {
      sourceAcls = source.describeAcls(AclBindingFilter.ANY).values().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SecurityDisabledException) {
        logUnsupportedOnce("source cluster '" + flow.source() + "' has no authorizer");
        return 0;
      }
      if (e.getCause() instanceof org.apache.kafka.common.errors.ClusterAuthorizationException) {
        aclSyncOff = true;
        log.warn("topic ACLs are not synced: reading ACLs of source cluster '{}' needs DESCRIBE on CLUSTER, which"
            + " Mirror's principal does not have; grant it, or set syncTopicAcls(false)", flow.source());
        return 0;
      }
      problems.add("cannot read ACLs of source cluster '" + flow.source() + "': "
          + Errors.describe(e.getCause(), "DESCRIBE", "CLUSTER", ""));
      return 0;
    } catch (TimeoutException e) {
      problems.add("reading ACLs of source cluster '" + flow.source() + "' timed out");
      return 0;
    }
    Set<AclBinding> wanted = new HashSet<>();
    for (AclBinding b : sourceAcls) {
      ResourcePattern pattern = b.pattern();
      if (pattern.resourceType() != ResourceType.TOPIC || pattern.patternType() != PatternType.LITERAL) {
        continue;
      }
      String remote = remoteOf.get(pattern.name());
      AccessControlEntry entry = b.entry();
      if (remote == null || (entry.permissionType() == AclPermissionType.ALLOW
          && entry.operation() == AclOperation.WRITE)) {
        continue;
      }
      AclOperation op = entry.permissionType() == AclPermissionType.ALLOW && entry.operation() == AclOperation.ALL
          ? AclOperation.READ : entry.operation();
      wanted.add(new AclBinding(new ResourcePattern(ResourceType.TOPIC, remote, PatternType.LITERAL),
          new AccessControlEntry(entry.principal(), entry.host(), op, entry.permissionType())));
    }
    if (wanted.isEmpty()) {
      return 0;
    }
    Collection<AclBinding> existing;
    try {
      existing = target.describeAcls(AclBindingFilter.ANY).values().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SecurityDisabledException) {
        logUnsupportedOnce("target cluster '" + flow.target() + "' has no authorizer");
        return 0;
      }
      problems.add("cannot read ACLs of target cluster '" + flow.target() + "': "
          + Errors.describe(e.getCause(), "DESCRIBE", "CLUSTER", ""));
      return 0;
    } catch (TimeoutException e) {
      problems.add("reading ACLs of target cluster '" + flow.target() + "' timed out");
      return 0;
    }
    wanted.removeAll(existing);
    if (wanted.isEmpty()) {
      return 0;
    }
    try {
      target.createAcls(wanted).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      log.info("copied {} topic ACLs to cluster '{}'", wanted.size(), flow.target());
      return wanted.size();
    } catch (ExecutionException | TimeoutException e) {
      problems.add("cannot create ACLs on target cluster '" + flow.target() + "': " + Errors.describe(
          e instanceof ExecutionException ? e.getCause() : e, "ALTER", "CLUSTER", ""));
      return 0;
    }
  }

  private void logUnsupportedOnce(String why) {
    if (!aclsUnsupportedLogged) {
      aclsUnsupportedLogged = true;
      log.info("topic ACLs are not synced: {}", why);
    }
  }
}
