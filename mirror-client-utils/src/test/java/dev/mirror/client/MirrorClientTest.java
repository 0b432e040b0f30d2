package dev.mirror.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.mirror.testing.Await;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link MirrorClient} on a {@link FakeCluster}: the offset look-ups, the cache, time limits and the lifecycle,
 * without a broker. The real broker and MirrorMaker 2 parity are in the integration tests.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MirrorClientTest {
  private static final String TOPIC = "primary.checkpoints.internal";
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final FakeCluster cluster = new FakeCluster();
  private final MirrorClient client = new MirrorClient(ReplicationPolicies.defaultPolicy(), cluster);

  @Test
  void remoteConsumerOffsets_lastCheckpointWinsPerPartition() {
    cluster.append(TOPIC, new Checkpoint("billing", "primary.orders", 0, 10, 7, ""));
    cluster.append(TOPIC, new Checkpoint("billing", "primary.orders", 1, 10, 8, ""));
    cluster.append(TOPIC, new Checkpoint("other", "primary.orders", 0, 99, 98, ""));
    cluster.append(TOPIC, new Checkpoint("billing", "primary.orders", 0, 20, 17, "m"));

    assertThat(client.remoteConsumerOffsets("billing", "primary", TIMEOUT)).containsOnly(
        entry(new TopicPartition("primary.orders", 0), new OffsetAndMetadata(17, "m")),
        entry(new TopicPartition("primary.orders", 1), new OffsetAndMetadata(8, "")));
    assertThat(client.remoteConsumerOffsets("nobody", "primary", TIMEOUT)).isEmpty();
  }

  @Test
  void remoteConsumerOffsets_secondCall_readsOnlyNewRecords() {
    for (int i = 0; i < 10; i++) {
      cluster.append(TOPIC, new Checkpoint("g" + i, "primary.orders", 0, i, i, ""));
    }
    assertThat(client.remoteConsumerOffsets("g3", "primary", TIMEOUT))
        .containsExactly(entry(new TopicPartition("primary.orders", 0), new OffsetAndMetadata(3, "")));
    assertThat(client.checkpointRecordsRead("primary")).isEqualTo(10);

    // Nothing new: no poll at all, however many groups are looked up.
    int polls = cluster.consumer.polls.get();
    for (int i = 0; i < 10; i++) {
      assertThat(client.remoteConsumerOffsets("g" + i, "primary", TIMEOUT)).hasSize(1);
    }
    assertThat(cluster.consumer.polls.get()).isEqualTo(polls);
    assertThat(client.checkpointRecordsRead("primary")).isEqualTo(10);

    cluster.append(TOPIC, new Checkpoint("g3", "primary.orders", 0, 50, 45, "new"));
    cluster.append(TOPIC, new Checkpoint("g10", "primary.orders", 0, 60, 55, ""));
    assertThat(client.remoteConsumerOffsets("g3", "primary", TIMEOUT))
        .containsExactly(entry(new TopicPartition("primary.orders", 0), new OffsetAndMetadata(45, "new")));
    assertThat(client.remoteConsumerOffsets("g10", "primary", TIMEOUT)).hasSize(1);
    assertThat(client.checkpointRecordsRead("primary")).isEqualTo(12);
  }

  @Test
  void remoteConsumerOffsets_manySmallPolls_sameResultAsOneRead() {
    for (int i = 0; i < 100; i++) {
      cluster.append(TOPIC, new Checkpoint("g" + (i % 7), "primary.orders", i % 3, i, i, "m" + i));
    }
    cluster.consumer.maxPollRecords = 3;
    Map<String, Map<TopicPartition, OffsetAndMetadata>> stepwise =
        client.remoteConsumerOffsets(Pattern.compile(".*"), "primary", TIMEOUT);

    FakeCluster other = new FakeCluster();
    for (int i = 0; i < 100; i++) {
      other.append(TOPIC, new Checkpoint("g" + (i % 7), "primary.orders", i % 3, i, i, "m" + i));
    }
    MirrorClient fresh = new MirrorClient(ReplicationPolicies.defaultPolicy(), other);
    assertThat(stepwise).isEqualTo(fresh.remoteConsumerOffsets(Pattern.compile(".*"), "primary", TIMEOUT))
        .hasSize(7);
    assertThat(stepwise.get("g0")).containsEntry(new TopicPartition("primary.orders", 0), new OffsetAndMetadata(84, "m84"));
  }

  @Test
  void remoteConsumerOffsets_pattern_matchesWholeGroupIdOnly() {
    cluster.append(TOPIC, new Checkpoint("billing-eu", "primary.orders", 0, 1, 1, ""));
    cluster.append(TOPIC, new Checkpoint("billing-us", "primary.orders", 0, 2, 2, ""));
    cluster.append(TOPIC, new Checkpoint("prebilling-eu", "primary.orders", 0, 3, 3, ""));

    assertThat(client.remoteConsumerOffsets(Pattern.compile("billing-.*"), "primary", TIMEOUT))
        .containsOnlyKeys("billing-eu", "billing-us");
    assertThat(client.remoteConsumerOffsets(Pattern.compile("billing"), "primary", TIMEOUT)).isEmpty();
  }

  @Test
  void remoteConsumerOffsets_garbageAndNegativeOffset_skipped() {
    cluster.append(TOPIC, new byte[] {1, 2, 3}, new byte[] {4});
    cluster.append(TOPIC, null, new Checkpoint("g", "t", 0, 1, 1, "").recordValue());
    cluster.append(TOPIC, new Checkpoint("g", "primary.t", 0, 5, 5, ""));
    cluster.append(TOPIC, new Checkpoint("g", "primary.t", 1, 5, -1, ""));
    cluster.append(TOPIC, new Checkpoint("g", "primary.t", 0, 6, 6, "").recordKey(), new byte[] {0, 0, 1});

    assertThat(client.remoteConsumerOffsets("g", "primary", TIMEOUT))
        .containsExactly(entry(new TopicPartition("primary.t", 0), new OffsetAndMetadata(5, "")));
    assertThat(client.checkpointRecordsRead("primary")).isEqualTo(5);
  }

  @Test
  void remoteConsumerOffsets_tombstone_removesThatCheckpoint() {
    Checkpoint first = new Checkpoint("g", "primary.t", 0, 5, 5, "");
    cluster.append(TOPIC, first);
    cluster.append(TOPIC, new Checkpoint("g", "primary.t", 1, 6, 6, ""));
    assertThat(client.remoteConsumerOffsets("g", "primary", TIMEOUT)).hasSize(2);

    cluster.append(TOPIC, first.recordKey(), null);
    assertThat(client.remoteConsumerOffsets("g", "primary", TIMEOUT))
        .containsOnlyKeys(new TopicPartition("primary.t", 1));
  }

  @Test
  void remoteConsumerOffsets_missingTopic_emptyWithoutConsumer() {
    assertThat(client.remoteConsumerOffsets("g", "primary", TIMEOUT)).isEmpty();
    assertThat(client.remoteConsumerOffsets(Pattern.compile(".*"), "primary", TIMEOUT)).isEmpty();
    assertThat(cluster.consumerCreated).isFalse();
  }

  @Test
  void remoteConsumerOffsets_topicDeletedAndCreatedAgain_readsTheNewTopicFromTheStart() {
    for (int i = 0; i < 5; i++) {
      cluster.append(TOPIC, new Checkpoint("old" + i, "primary.t", 0, i, i, ""));
    }
    assertThat(client.remoteConsumerOffsets("old1", "primary", TIMEOUT)).hasSize(1);

    cluster.delete(TOPIC);
    assertThat(client.remoteConsumerOffsets("old1", "primary", TIMEOUT)).isEmpty();

    for (int i = 0; i < 8; i++) {
      cluster.append(TOPIC, new Checkpoint("new" + i, "primary.t", 0, i, i, ""));
    }
    assertThat(client.remoteConsumerOffsets("old1", "primary", TIMEOUT)).isEmpty();
    assertThat(client.remoteConsumerOffsets("new7", "primary", TIMEOUT)).hasSize(1);
    assertThat(client.checkpointRecordsRead("primary")).isEqualTo(8);
  }

  @Test
  void remoteConsumerOffsets_topicEndsBeforeCachedPosition_readsAgainFromTheStart() {
    for (int i = 0; i < 5; i++) {
      cluster.append(TOPIC, new Checkpoint("g" + i, "primary.t", 0, i, i, ""));
    }
    assertThat(client.remoteConsumerOffsets("g4", "primary", TIMEOUT)).hasSize(1);
    cluster.truncate(TOPIC, 2);

    assertThat(client.remoteConsumerOffsets("g4", "primary", TIMEOUT)).isEmpty();
    assertThat(client.remoteConsumerOffsets("g1", "primary", TIMEOUT)).hasSize(1);
    assertThat(client.checkpointRecordsRead("primary")).isEqualTo(2);
  }

  @Test
  void remoteConsumerOffsets_endNotReachedInTime_throwsWithPositionAndEnd_nextCallContinues() {
    for (int i = 0; i < 10; i++) {
      cluster.append(TOPIC, new Checkpoint("g", "primary.t", i, i, i, ""));
    }
    cluster.consumer.stallAt = 4;

    assertThatThrownBy(() -> client.remoteConsumerOffsets("g", "primary", Duration.ofMillis(200)))
        .isInstanceOf(MirrorTimeoutException.class)
        .hasMessage("cannot read checkpoints topic 'primary.checkpoints.internal' of cluster 'fake:9092' within "
            + "PT0.2S: reached offset 4 of end offset 10; no partial result is returned, the next call continues "
            + "from offset 4; use a longer timeout");
    assertThat(client.checkpointRecordsRead("primary")).isEqualTo(4);

    cluster.consumer.stallAt = Long.MAX_VALUE;
    assertThat(client.remoteConsumerOffsets("g", "primary", TIMEOUT)).hasSize(10);
    assertThat(client.checkpointRecordsRead("primary")).isEqualTo(10);
  }

  @Test
  void remoteConsumerOffsets_zeroTimeout_throwsAtOnce() {
    cluster.append(TOPIC, new Checkpoint("g", "primary.t", 0, 1, 1, ""));

    assertThatThrownBy(() -> client.remoteConsumerOffsets("g", "primary", Duration.ZERO))
        .isInstanceOf(MirrorTimeoutException.class)
        .hasMessage("cannot read checkpoints topic 'primary.checkpoints.internal' of cluster 'fake:9092' within "
            + "PT0S: the time was up before the end offset was known, at offset 0; check that bootstrap.servers is "
            + "right and the brokers are reachable, or use a longer timeout");
  }

  @Test
  void remoteConsumerOffsets_badArguments_rejected() {
    assertThatThrownBy(() -> client.remoteConsumerOffsets("g", "primary", Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout must be zero or positive, but was 'PT-0.001S'; use e.g. Duration.ofSeconds(10)");
    assertThatThrownBy(() -> client.remoteConsumerOffsets("g", "", TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("remoteClusterAlias must not be empty");
    assertThatThrownBy(() -> client.remoteConsumerOffsets("g", "pri mary", TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("remoteClusterAlias 'pri mary' gives checkpoints topic 'pri mary.checkpoints.internal', which is "
            + "not a legal topic name (1 to 249 of [a-zA-Z0-9._-]); use the alias the replication uses for that "
            + "cluster");
    assertThatThrownBy(() -> client.remoteConsumerOffsets((String) null, "primary", TIMEOUT))
        .isInstanceOf(NullPointerException.class).hasMessage("consumerGroupId");
    assertThatThrownBy(() -> client.remoteConsumerOffsets((Pattern) null, "primary", TIMEOUT))
        .isInstanceOf(NullPointerException.class).hasMessage("consumerGroupPattern");
    assertThatThrownBy(() -> client.remoteConsumerOffsets("g", null, TIMEOUT))
        .isInstanceOf(NullPointerException.class).hasMessage("remoteClusterAlias");
    assertThatThrownBy(() -> client.remoteConsumerOffsets("g", "primary", null))
        .isInstanceOf(NullPointerException.class).hasMessage("timeout");
  }

  @Test
  void remoteConsumerOffsets_otherCallReading_waitsThenTimesOut() throws Exception {
    cluster.append(TOPIC, new Checkpoint("g", "primary.t", 0, 1, 1, ""));
    cluster.append(TOPIC, new Checkpoint("g", "primary.t", 1, 1, 1, ""));
    cluster.consumer.stallAt = 1;
    CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> slow = CompletableFuture.supplyAsync(
        () -> client.remoteConsumerOffsets("g", "primary", Duration.ofSeconds(20)));
    Await.until(Duration.ofSeconds(10), () -> assertThat(cluster.consumer.polls).hasPositiveValue());

    assertThatThrownBy(() -> client.remoteConsumerOffsets("g", "primary", Duration.ofMillis(100)))
        .isInstanceOf(MirrorTimeoutException.class)
        .hasMessage("cannot read checkpoints topic 'primary.checkpoints.internal' of cluster 'fake:9092' within "
            + "PT0.1S: another call on this MirrorClient was reading checkpoints all that time, and such calls run "
            + "one at a time; use a longer timeout");

    cluster.consumer.stallAt = Long.MAX_VALUE;
    assertThat(slow.get(10, TimeUnit.SECONDS)).hasSize(2);
  }

  @Test
  void close_whileAnotherThreadReads_stopsItWithIllegalState() throws Exception {
    cluster.append(TOPIC, new Checkpoint("g", "primary.t", 0, 1, 1, ""));
    cluster.append(TOPIC, new Checkpoint("g", "primary.t", 1, 1, 1, ""));
    cluster.consumer.stallAt = 1;
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> reading = CompletableFuture.supplyAsync(() -> {
      started.countDown();
      return client.remoteConsumerOffsets("g", "primary", Duration.ofSeconds(20));
    });
    started.await();
    Await.until(Duration.ofSeconds(10), () -> assertThat(cluster.consumer.polls).hasPositiveValue());

    client.close();

    assertThat(cluster.closed).isTrue();
    assertThatThrownBy(() -> reading.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(IllegalStateException.class)
        .cause().hasMessage("MirrorClient of cluster 'fake:9092' was closed while reading checkpoints topic "
            + "'primary.checkpoints.internal'; create a new one");
  }

  @Test
  void close_isIdempotent_andLaterCallsFail() {
    client.close();
    client.close();

    assertThat(cluster.closed).isTrue();
    assertThat(client).hasToString("MirrorClient[bootstrap.servers=fake:9092, replicationPolicy="
        + ReplicationPolicies.defaultPolicy() + ", closed]");
    assertThatThrownBy(() -> client.remoteConsumerOffsets("g", "primary", TIMEOUT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("MirrorClient of cluster 'fake:9092' is closed; create a new one");
    assertThatThrownBy(client::heartbeatTopics)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("MirrorClient of cluster 'fake:9092' is closed; create a new one");
  }

  @Test
  void remoteConsumerOffsets_interrupted_throwsInterruptExceptionAndKeepsTheFlag() {
    cluster.append(TOPIC, new Checkpoint("g", "primary.t", 0, 1, 1, ""));
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> client.remoteConsumerOffsets("g", "primary", TIMEOUT))
          .isInstanceOf(InterruptException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void topologyLookups_readTopicNames() {
    cluster.withTopics("heartbeats", "B.heartbeats", "B.A.heartbeats", "C.B.A.heartbeats", "A.checkpoints.internal",
        "B.orders", "orders", "__consumer_offsets_like", "mm2-offset-syncs.B.internal");

    assertThat(client.heartbeatTopics())
        .containsExactly("B.A.heartbeats", "B.heartbeats", "C.B.A.heartbeats", "heartbeats");
    assertThat(client.checkpointTopics()).containsExactly("A.checkpoints.internal");
    assertThat(client.upstreamClusters()).containsExactly("A", "B", "C");
    assertThat(client.remoteTopics()).containsExactly("B.A.heartbeats", "B.heartbeats", "B.orders", "C.B.A.heartbeats");
    assertThat(client.remoteTopics("B")).containsExactly("B.A.heartbeats", "B.heartbeats", "B.orders");
    assertThat(client.replicationHops("B")).isEqualTo(1);
    assertThat(client.replicationHops("A")).isEqualTo(2);
    assertThat(client.replicationHops("C")).isEqualTo(1);
    assertThat(client.replicationHops("D")).isEqualTo(-1);
  }

  @Test
  void replicationPolicy_isTheOneGiven() {
    assertThat(client.replicationPolicy()).isSameAs(ReplicationPolicies.defaultPolicy());
  }
}
