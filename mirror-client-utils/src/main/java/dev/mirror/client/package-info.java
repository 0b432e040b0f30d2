/**
 * What consumer applications need to fail over between clusters replicated by Mirror or by MirrorMaker 2: offset
 * translation, topology look-ups, replication policies and MirrorMaker 2's wire formats.
 *
 * <h2>Failing over: where does a group resume?</h2>
 *
 * Replication writes checkpoints to the target cluster: for each consumer group of the source cluster, the offsets
 * it has committed there, translated to the replicated topics. After a failover, a {@link dev.mirror.client.MirrorClient}
 * on the target (backup) cluster turns them into the offsets to resume from. Give it the backup cluster's client
 * properties and the alias of the cluster the group used to consume from:
 *
 * <pre>{@code
 * try (MirrorClient client = new MirrorClient(Map.of("bootstrap.servers", "backup:9092"))) {
 *   Map<TopicPartition, OffsetAndMetadata> offsets = client.remoteConsumerOffsets("billing", "primary", Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * The keys are the topic-partitions on the backup cluster ({@code primary.orders-0} with the default policy). Commit
 * them for the group (for example with {@code Admin.alterConsumerGroupOffsets}) before the consumers start, or seek
 * a consumer straight to them with {@link dev.mirror.client.Failover}:
 *
 * <pre>{@code
 * consumer.assign(partitions);                             // partitions of primary.orders on backup
 * Failover.seekToTranslatedOffsets(consumer, client, "primary", "billing", Duration.ofSeconds(10));
 * }</pre>
 *
 * Keep one {@code MirrorClient} for repeated look-ups: it caches the checkpoints it has read and reads only new ones
 * on the next call. {@link dev.mirror.client.RemoteClusterUtils} has the same look-ups as one-shot static methods,
 * with MirrorMaker 2's names. A look-up that cannot finish in time throws
 * {@link dev.mirror.client.MirrorTimeoutException}; it never returns part of the offsets.
 *
 * <p>The same client reads the replication topology from topic names: {@code upstreamClusters()},
 * {@code replicationHops("primary")}, {@code remoteTopics("primary")}, {@code heartbeatTopics()} and
 * {@code checkpointTopics()}.
 *
 * <h2>Replication policies: where did this topic come from?</h2>
 *
 * A {@link dev.mirror.client.ReplicationPolicy} names replicated ("remote") topics and reads names back. Use the
 * policy the replication runs with. {@link dev.mirror.client.ReplicationPolicies#fromConfig(java.util.Map)} builds it
 * from the same keys as MirrorMaker 2 ({@code replication.policy.class}, {@code replication.policy.separator}, ...),
 * so an existing configuration works unchanged:
 *
 * <pre>{@code
 * ReplicationPolicy policy = ReplicationPolicies.defaultPolicy();     // MirrorMaker 2's default
 * String remote = policy.formatRemoteTopic("primary", "orders");     // "primary.orders"
 * Optional<String> source = policy.topicSource("primary.orders");    // Optional[primary]
 * String original = policy.originalTopic("backup.primary.orders");   // "orders"
 * String checkpoints = policy.checkpointsTopic("primary");           // "primary.checkpoints.internal"
 *
 * ReplicationPolicy fromConfig = ReplicationPolicies.fromConfig(Map.of(
 *     "replication.policy.class", "org.apache.kafka.connect.mirror.IdentityReplicationPolicy",
 *     "source.cluster.alias", "primary"));
 * fromConfig.formatRemoteTopic("primary", "orders");                 // "orders"
 * }</pre>
 *
 * <h2>MirrorMaker 2 records: checkpoints, offset syncs, heartbeats</h2>
 *
 * {@link dev.mirror.client.Checkpoint}, {@link dev.mirror.client.OffsetSync} and {@link dev.mirror.client.Heartbeat}
 * encode and decode MirrorMaker 2's internal records byte for byte, so Mirror and MirrorMaker 2 read each other's
 * topics. {@code MirrorClient} reads checkpoints for you; to read them yourself, for example to find where group
 * {@code billing} resumes on the backup cluster, read partition 0 of {@code primary.checkpoints.internal} there:
 *
 * <pre>{@code
 * Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
 * for (ConsumerRecord<byte[], byte[]> record : records) {
 *   Checkpoint checkpoint = Checkpoint.fromRecord(record);   // throws MirrorRecordFormatException if malformed
 *   if (checkpoint.group().equals("billing")) {
 *     offsets.put(checkpoint.topicPartition(), checkpoint.offsetAndMetadata()); // the latest one wins
 *   }
 * }
 * }</pre>
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li>Everything here is immutable and thread-safe unless its documentation says otherwise.
 *   <li>Nothing returns {@code null}: a look-up that may find nothing returns {@link java.util.Optional}. A
 *       {@code null} argument throws {@link NullPointerException}, a bad value {@link IllegalArgumentException}.
 *   <li>The other failures are unchecked and extend {@link dev.mirror.client.MirrorClientException}. A look-up
 *       that runs out of time throws {@link dev.mirror.client.MirrorTimeoutException}, never a partial result; an
 *       interrupted one sets the interrupt flag again and throws Kafka's
 *       {@link org.apache.kafka.common.errors.InterruptException}.
 *   <li>Whoever creates a {@link dev.mirror.client.MirrorClient} owns it and closes it; the helpers never close
 *       what they are given.
 *   <li>{@code dev.mirror.client.internal} is not API.
 * </ul>
 *
 * @since 0.1.0
 */
@NullMarked
package dev.mirror.client;

import org.jspecify.annotations.NullMarked;
