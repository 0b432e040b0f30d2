package dev.mirror.internal.engine;

import org.apache.kafka.common.KafkaException;

/**
 * Batch copy cannot go on with these clusters (a broker without the protocol versions it needs, or one that
 * refuses the batches it writes): the flow turns batch copy off and copies records from its stored positions.
 */
final class BatchCopyUnsupportedException extends KafkaException {
  private static final long serialVersionUID = 1L;

  BatchCopyUnsupportedException(String message) {
    super(message);
  }
}
