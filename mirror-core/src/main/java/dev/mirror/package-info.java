/**
 * Mirror: Kafka cross-cluster replication inside the host application.
 *
 * <h2>Usage</h2>
 *
 * <pre>{@code
 * try (Mirror mirror = Mirror.builder()
 *         .name("dr")
 *         .cluster("primary", Map.of("bootstrap.servers", "primary:9092"))
 *         .cluster("backup", Map.of("bootstrap.servers", "backup:9092"))
 *         .flow(f -> f.from("primary").to("backup")
 *                     .topics("orders\\..*", "payments")
 *                     .excludeTopics(".*\\.tmp"))
 *         .build()
 *         .start()) {
 *   // the application runs; replication happens on Mirror's own threads
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link dev.mirror.Mirror} is the entry point: {@link dev.mirror.Mirror#builder()} defines clusters
 *       ({@link dev.mirror.ClusterSpec}) and flows ({@link dev.mirror.FlowSpec}); {@code build()} validates
 *       everything and reports every problem at once ({@link dev.mirror.MirrorConfigException}).
 *   <li>{@link dev.mirror.Mirror#status()} returns a {@link dev.mirror.MirrorStatus} snapshot with each flow's
 *       {@link dev.mirror.State}, last error and progress.
 *   <li>The replication policy, offset translation and MirrorMaker 2's wire formats live in
 *       {@code dev.mirror.client} (artifact {@code mirror-client-utils}), which consumer applications use.
 * </ul>
 *
 * <p>Everything under {@code dev.mirror.internal} is implementation and may change in any release.
 */
@NullMarked
package dev.mirror;

import org.jspecify.annotations.NullMarked;
