package dev.mirror.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class FlusherTest {

  @Test
  void requestSendsPendingRecordsOnTheFlushThreadWithoutBlockingTheCaller() throws Exception {
    // autoComplete off: sends stay pending until the producer is flushed.
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    List<String> callbackThreads = new CopyOnWriteArrayList<>();
    Future<RecordMetadata> sent = producer.send(new ProducerRecord<>("t", 0, null, new byte[] {1}),
        (m, e) -> callbackThreads.add(Thread.currentThread().getName()));
    Flusher flusher = new Flusher(producer, "copy-flush", LoggerFactory.getLogger(FlusherTest.class));
    try {
      assertThat(sent).isNotDone();

      flusher.request();

      sent.get(10, TimeUnit.SECONDS);
      assertThat(callbackThreads).containsExactly("copy-flush");
      assertThat(producer.flushed()).isTrue();
    } finally {
      flusher.close(Duration.ofSeconds(10));
    }
    assertThat(flusher.isAlive()).isFalse();
  }

  @Test
  void eachRequestMadeAfterAFlushLeadsToAnotherFlush() throws Exception {
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    try (Flusher flusher = new Flusher(producer, "copy-flush", LoggerFactory.getLogger(FlusherTest.class))) {
      for (int i = 0; i < 3; i++) {
        Future<RecordMetadata> sent = producer.send(new ProducerRecord<>("t", 0, null, new byte[] {(byte) i}));
        flusher.request();
        sent.get(10, TimeUnit.SECONDS);
      }
      assertThat(producer.history()).hasSize(3);
    }
  }
}
