package dev.mirror.client;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a cluster does not answer, or a checkpoints topic cannot be read to its end, within the time allowed.
 * Mirror never returns a partial result instead: where MirrorMaker 2's {@code MirrorClient} quietly returns the
 * offsets read so far, {@link MirrorClient#remoteConsumerOffsets(String, String, java.time.Duration)} throws this.
 *
 * <p>The message names the cluster ({@code bootstrap.servers}), the topic and how far the read got, for example
 * {@code cannot read checkpoints topic 'primary.checkpoints.internal' of cluster 'backup:9092' within PT0.2S: reached
 * offset 1200 of end offset 5000; ...}. The cause, when there is one, is Kafka's
 * {@link org.apache.kafka.common.errors.TimeoutException}.
 *
 * <p>Retrying is safe and cheap: a {@link MirrorClient} keeps what it read, so the next call continues where this
 * one stopped.
 *
 * @since 0.1.0
 */
public final class MirrorTimeoutException extends MirrorClientException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what timed out: the cluster, the topic, the position reached and the end offset
   * @param cause the underlying Kafka timeout, or {@code null} when the time ran out between calls
   */
  public MirrorTimeoutException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
