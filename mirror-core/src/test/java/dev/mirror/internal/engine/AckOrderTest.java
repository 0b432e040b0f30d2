package dev.mirror.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A batch's acknowledgement moves a partition's position only right after the batch before it. */
class AckOrderTest {
  private static final TopicPartition SOURCE = new TopicPartition("orders", 0);
  private static final TopicPartition REMOTE = new TopicPartition("primary.orders", 0);

  private final FlowStats stats = new FlowStats();

  private ReplicationWorker.Ack batchEnd(ReplicationWorker.PartitionState s, long lastSource, long next,
      long previousNext) {
    return new ReplicationWorker.Ack(s, lastSource, false, next, previousNext, 50, 5_000, -1, stats,
        Clock.systemUTC(), LoggerFactory.getLogger(AckOrderTest.class));
  }

  private static RecordMetadata at(long targetOffset) {
    return new RecordMetadata(REMOTE, targetOffset, 0, -1, 1, 100);
  }

  @Test
  void inOrder_positionFollowsEachBatch() {
    ReplicationWorker.PartitionState s = new ReplicationWorker.PartitionState(SOURCE, REMOTE.topic(), 100);
    s.startSegment(100, 0);

    batchEnd(s, 149, 150, 100).onCompletion(at(49), null);
    batchEnd(s, 199, 200, 150).onCompletion(at(99), null);

    assertThat(s.failure).isNull();
    assertThat(s.ackedNext).isEqualTo(200);
    assertThat(s.targetNext).isEqualTo(100);
    assertThat(stats.recordsReplicated.sum()).isEqualTo(100);
  }

  @Test
  void laterBatchAcknowledgedFirst_failsThePartition_andKeepsItsPosition() {
    ReplicationWorker.PartitionState s = new ReplicationWorker.PartitionState(SOURCE, REMOTE.topic(), 100);
    s.startSegment(100, 0);
    ReplicationWorker.Ack first = batchEnd(s, 149, 150, 100);
    ReplicationWorker.Ack second = batchEnd(s, 199, 200, 150);

    second.onCompletion(at(0), null); // written before the first batch, which the broker refused at first
    first.onCompletion(at(50), null);

    assertThat(s.failure).isNotNull().hasMessageContaining("out of order").hasMessageContaining("orders-0");
    assertThat(s.ackedNext).as("no position past records that may never arrive").isEqualTo(100);
    assertThat(stats.recordsReplicated.sum()).isZero();
  }
}
