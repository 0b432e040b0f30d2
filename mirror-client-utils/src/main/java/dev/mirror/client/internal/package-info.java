/**
 * Implementation helpers of {@code dev.mirror.client}. Not API: anything here may change in any release.
 *
 * <p>{@link dev.mirror.client.internal.WireWriter} and {@link dev.mirror.client.internal.WireReader} encode and
 * decode the fixed field layouts of MirrorMaker 2's internal records (Kafka's protocol {@code Schema} types
 * {@code INT16}, {@code INT32}, {@code INT64} and {@code STRING}) with a plain {@link java.nio.ByteBuffer}, so the
 * library does not depend on kafka-clients' internal {@code org.apache.kafka.common.protocol.types} package.
 */
@NullMarked
package dev.mirror.client.internal;

import org.jspecify.annotations.NullMarked;
