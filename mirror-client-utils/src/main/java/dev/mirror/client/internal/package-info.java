/**
 * Implementation helpers of {@code dev.mirror.client}. Not API: anything here may change in any release.
 *
 * <p>{@link dev.mirror.client.internal.WireWriter} and {@link dev.mirror.client.internal.WireReader} encode and
 * decode the fixed field layouts of MirrorMaker 2's internal records (Kafka's protocol {@code Schema} types
 * {@code INT16}, {@code INT32}, {@code INT64} and {@code STRING}) with a plain {@link java.nio.ByteBuffer}, so the
 * library does not depend on kafka-clients' internal {@code org.apache.kafka.common.protocol.types} package.
 *
 * <p>Behind {@link dev.mirror.client.MirrorClient}: {@link dev.mirror.client.internal.ClientConfigs} splits the client
 * properties into admin and consumer configurations; {@link dev.mirror.client.internal.ClusterAccess} (real:
 * {@link dev.mirror.client.internal.KafkaClusterAccess}) is the seam to the Kafka clients, which unit tests replace;
 * {@link dev.mirror.client.internal.CheckpointReader} keeps one {@link dev.mirror.client.internal.CheckpointIndex}
 * per checkpoints topic and reads only new records into it; {@link dev.mirror.client.internal.Topology} walks topic
 * names upstream; {@link dev.mirror.client.internal.Deadline} turns a timeout into remaining time.
 */
@NullMarked
package dev.mirror.client.internal;

import org.jspecify.annotations.NullMarked;
