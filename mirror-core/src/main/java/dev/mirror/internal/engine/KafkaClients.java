package dev.mirror.internal.engine;

import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Creates the Kafka clients the engine uses, from fully merged properties. The seam through which tests
 * could supply other clients, as Kafka Streams' {@code KafkaClientSupplier} does.
 */
public interface KafkaClients {

  /** Creates real Kafka clients. */
  KafkaClients DEFAULT = new KafkaClients() {};

  /** Creates an admin client. */
  default Admin admin(Map<String, Object> config) {
    return Admin.create(config);
  }

  /** Creates a consumer of raw bytes. */
  default Consumer<byte[], byte[]> consumer(Map<String, Object> config) {
    return new KafkaConsumer<>(config);
  }

  /** Creates a producer of raw bytes. */
  default Producer<byte[], byte[]> producer(Map<String, Object> config) {
    return new KafkaProducer<>(config);
  }
}
