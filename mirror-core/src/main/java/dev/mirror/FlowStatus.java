package dev.mirror;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An immutable snapshot of one flow's health and progress.
 *
 * <p>A flow is <em>healthy</em> when it is {@link State#RUNNING} or {@link State#PAUSED} and its last error, if
 * any, is older than its last successful poll of the source.
 *
 * @param flow the flow's id, {@code <source>-><target>}
 * @param state the flow's state
 * @param lastError the last error seen, with its context, or null when none
 * @param lastErrorTime when {@code lastError} was seen, or null
 * @param lastPollTime when the source was last polled successfully, or null before the first poll
 * @param recordsReplicated records acknowledged by the target since the Mirror started
 * @param topics source topics currently replicated
 * @param partitions source partitions currently replicated
 * @param groups consumer groups of the source whose offsets are checkpointed
 * @param lastCheckpointTime when the groups' offsets were last checkpointed, or null before the first time
 * @param restarts times the flow's clients were recreated after an error
 * @since 0.1.0
 */
public record FlowStatus(
    String flow,
    State state,
    @Nullable String lastError,
    @Nullable Instant lastErrorTime,
    @Nullable Instant lastPollTime,
    long recordsReplicated,
    int topics,
    int partitions,
    int groups,
    @Nullable Instant lastCheckpointTime,
    int restarts) {

  /** Checks the required components. */
  public FlowStatus {
    Objects.requireNonNull(flow, "flow");
    Objects.requireNonNull(state, "state");
  }

  /** Returns the last error, if any. */
  public Optional<String> lastErrorMessage() {
    return Optional.ofNullable(lastError);
  }

  /** Returns whether the flow is healthy, as defined in the class documentation. */
  public boolean healthy() {
    if (state != State.RUNNING && state != State.PAUSED) {
      return false;
    }
    if (lastErrorTime == null) {
      return true;
    }
    return lastPollTime != null && lastPollTime.isAfter(lastErrorTime);
  }
}
