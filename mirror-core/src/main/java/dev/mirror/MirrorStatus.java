package dev.mirror;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable snapshot of a Mirror's state and of each of its flows.
 *
 * @param name the Mirror's name
 * @param state the Mirror's state
 * @param flows one status per flow, in the order the flows were defined
 * @since 0.1.0
 */
public record MirrorStatus(String name, State state, List<FlowStatus> flows) {

  /** Checks and copies the components. */
  public MirrorStatus {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
    flows = List.copyOf(flows);
  }

  /**
   * Returns the status of one flow.
   *
   * @param flowId the flow's id, {@code <source>-><target>}
   * @return the flow's status, or empty when no such flow exists
   */
  public Optional<FlowStatus> flow(String flowId) {
    return flows.stream().filter(f -> f.flow().equals(flowId)).findFirst();
  }

  /** Returns whether every flow is {@linkplain FlowStatus#healthy() healthy}. */
  public boolean healthy() {
    return flows.stream().allMatch(FlowStatus::healthy);
  }
}
