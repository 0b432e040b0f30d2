/**
 * What consumer applications need to fail over between clusters replicated by Mirror or by MirrorMaker 2:
 * replication policies and MirrorMaker 2's wire formats.
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
 * topics. For example, to find where group {@code billing} resumes on the backup cluster, read partition 0 of
 * {@code primary.checkpoints.internal} there:
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
 *   <li>The other failures are unchecked and extend {@link dev.mirror.client.MirrorClientException}.
 *   <li>{@code dev.mirror.client.internal} is not API.
 * </ul>
 *
 * @since 0.1.0
 */
@NullMarked
package dev.mirror.client;

import org.jspecify.annotations.NullMarked;
