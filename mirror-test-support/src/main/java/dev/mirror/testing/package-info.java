/**
 * Real Kafka brokers and small helpers for Mirror's integration tests and runnable examples.
 *
 * <p>This package is test support: Mirror's library jars never depend on it. It gives a test one or more
 * single-node KRaft clusters behind the {@link dev.mirror.testing.KafkaCluster} interface, either in the test
 * JVM ({@link dev.mirror.testing.EmbeddedKafkaCluster}, the default, needs nothing but the classpath) or in a
 * Docker container ({@link dev.mirror.testing.ContainerKafkaCluster}, only where a Docker engine exists).
 *
 * <pre>{@code
 * @Timeout(120)
 * class ReplicationIT {
 *   static EmbeddedKafkaCluster primary;
 *   static EmbeddedKafkaCluster backup;
 *
 *   @BeforeAll
 *   static void startClusters() {
 *     primary = EmbeddedKafkaCluster.start("primary");   // about 2-4 s each, once per class
 *     backup = EmbeddedKafkaCluster.start("backup");
 *   }
 *
 *   @AfterAll
 *   static void stopClusters() {
 *     backup.close();
 *     primary.close();
 *   }
 *
 *   @Test
 *   void produce_thenReadAll_returnsTheRecords() {
 *     String topic = KafkaTestData.uniqueName("orders");  // tests stay apart through unique names
 *     KafkaTestData.createTopic(primary, topic, 3, Map.of());
 *     KafkaTestData.produce(primary, topic, List.of(KafkaTestData.record(topic, "k", "v")));
 *     Await.until(Duration.ofSeconds(30), () ->
 *         assertThat(KafkaTestData.readAll(primary, topic, Duration.ofSeconds(10))).hasSize(1));
 *   }
 * }
 * }</pre>
 *
 * <p>Rules these helpers follow, and tests built on them should too: start clusters once per class (or per
 * JVM), never per test method; keep tests apart with {@link dev.mirror.testing.KafkaTestData#uniqueName(String)
 * unique} topic and group names; connect only through {@code 127.0.0.1}; wait with
 * {@link dev.mirror.testing.Await}, never with a fixed sleep; and bound every wait.
 */
@NullMarked
package dev.mirror.testing;

import org.jspecify.annotations.NullMarked;
