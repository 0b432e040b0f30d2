package dev.mirror;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.TopicPartition;

/**
 * Whether a flow has copied everything its source held at a chosen moment: the answer a migration needs
 * before it points producers and consumers at the new cluster. Returned by
 * {@link Mirror#awaitCaughtUp(String, java.time.Duration)}.
 *
 * @param flow the flow's id
 * @param moment when the source's end offsets were taken
 * @param lag per source partition, the records that were on the source at {@code moment} and are not yet on the
 *     target; all zero when caught up
 * @param caughtUp whether every record the source held at {@code moment} is on the target
 * @param checkpointsCurrent whether the groups' checkpoints were written after those records were copied, so
 *     consumers moved now resume exactly after their last commit (false when the flow writes no checkpoints)
 * @since 0.1.0
 */
public record CatchUp(String flow, Instant moment, Map<TopicPartition, Long> lag, boolean caughtUp,
    boolean checkpointsCurrent) {

  /** Copies the lag map. */
  public CatchUp {
    Objects.requireNonNull(flow, "flow");
    Objects.requireNonNull(moment, "moment");
    lag = Map.copyOf(lag);
  }

  /** Returns the records not yet on the target, over all partitions. */
  public long totalLag() {
    return lag.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Returns whether the flow is caught up and its checkpoints are current: safe to cut over. */
  public boolean readyToCutOver() {
    return caughtUp && checkpointsCurrent;
  }
}
