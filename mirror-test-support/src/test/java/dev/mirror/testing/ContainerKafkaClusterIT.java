package dev.mirror.testing;

import static dev.mirror.testing.KafkaTestData.createTopic;
import static dev.mirror.testing.KafkaTestData.produce;
import static dev.mirror.testing.KafkaTestData.readAll;
import static dev.mirror.testing.KafkaTestData.record;
import static dev.mirror.testing.KafkaTestData.uniqueName;
import static dev.mirror.testing.KafkaTestData.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The container cluster, where a Docker engine exists; skipped elsewhere.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ContainerKafkaClusterIT {

  @Test
  void dockerAvailable_anyMachine_answersQuicklyWithoutThrowing() {
    long startNanos = System.nanoTime();

    boolean available = ContainerKafkaCluster.dockerAvailable();

    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    System.out.printf("dockerAvailable() = %s in %d ms%n", available, elapsedMillis);
    assertThat(elapsedMillis).isLessThan(20_000);
  }

  @Test
  void start_dockerPresent_produceAndReadThroughLoopback() {
    assumeTrue(ContainerKafkaCluster.dockerAvailable(), "no Docker engine on this machine");
    try (ContainerKafkaCluster cluster = ContainerKafkaCluster.start("container")) {
      assertThat(cluster.bootstrapServers()).matches("(localhost|127\\.0\\.0\\.1):\\d+");
      String topic = uniqueName("boxed");
      createTopic(cluster, topic, 2);
      produce(cluster, topic, List.of(record(topic, "k", "v")));

      assertThat(readAll(cluster, topic, Duration.ofSeconds(30)))
          .extracting(r -> utf8(r.key()), r -> utf8(r.value()))
          .containsExactly(tuple("k", "v"));
      assertThatThrownBy(cluster::restartBroker)
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessageStartingWith("restartBroker is not supported by ContainerKafkaCluster 'container'");
    }
  }

  @Test
  void start_noDocker_throwsIllegalStateNamingTheCheck() {
    assumeTrue(!ContainerKafkaCluster.dockerAvailable(), "a Docker engine is present");

    assertThatThrownBy(() -> ContainerKafkaCluster.start("nodocker"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("cannot start container Kafka cluster 'nodocker': no Docker engine is available; "
            + "check ContainerKafkaCluster.dockerAvailable() first");
  }

  @Test
  void environmentVariable_brokerProperty_imageConvention() {
    assertThat(ContainerKafkaCluster.environmentVariable("offsets.topic.replication.factor"))
        .isEqualTo("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR");
    assertThat(ContainerKafkaCluster.environmentVariable("a_b-c.d")).isEqualTo("KAFKA_A__B___C_D");
  }
}
