package dev.mirror;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life-cycle state of a {@link Mirror} and of each of its flows.
 *
 * <pre>
 *                 +--------------+
 *         +-----&gt; | FAILED       | &lt;--------------------------+
 *         |       +--------------+                             |
 *   +-----+-----+     +-----------+     +---------+     +------+-----+     +---------+
 *   | CREATED   | --&gt; | STARTING  | --&gt; | RUNNING | &lt;-&gt; | PAUSED     |     |         |
 *   +-----+-----+     +-----+-----+     +----+----+     +------+-----+     |         |
 *         |                 |                |                 |           | STOPPED |
 *         |                 +----------------+-----------------+---------&gt; |         |
 *         |                          via STOPPING                          |         |
 *         +--------------------------------------------------------------&gt; +---------+
 * </pre>
 *
 * <ul>
 *   <li>{@code CREATED}: built, nothing started.
 *   <li>{@code STARTING}: connecting to the clusters, creating topics, restoring positions. A flow whose
 *       cluster cannot be reached stays here and retries with backoff; {@link FlowStatus#lastError()} says why.
 *   <li>{@code RUNNING}: replicating. A flow that loses a cluster returns to {@code STARTING} while it retries.
 *   <li>{@code PAUSED}: started, but not replicating until resumed.
 *   <li>{@code STOPPING}: closing; positions of everything the target acknowledged are being stored.
 *   <li>{@code STOPPED}: closed. Terminal.
 *   <li>{@code FAILED}: stopped by an error that retrying cannot fix. Terminal; the cause is in the status.
 * </ul>
 *
 * @since 0.1.0
 */
public enum State {
  CREATED,
  STARTING,
  RUNNING,
  PAUSED,
  STOPPING,
  STOPPED,
  FAILED;

  /**
   * Returns whether a Mirror or flow in this state may move to {@code next}.
   *
   * @param next the state to move to
   * @return true when the transition is allowed
   */
  public boolean canTransitionTo(State next) {
    return allowedNext().contains(next);
  }

  /** Returns whether this state is terminal ({@link #STOPPED} or {@link #FAILED}). */
  public boolean isTerminal() {
    return this == STOPPED || this == FAILED;
  }

  private Set<State> allowedNext() {
    switch (this) {
      case CREATED:
        return EnumSet.of(STARTING, STOPPING, STOPPED, FAILED);
      case STARTING:
        return EnumSet.of(RUNNING, PAUSED, STOPPING, FAILED);
      case RUNNING:
        return EnumSet.of(STARTING, PAUSED, STOPPING, FAILED);
      case PAUSED:
        return EnumSet.of(RUNNING, STARTING, STOPPING, FAILED);
      case STOPPING:
        return EnumSet.of(STOPPED, FAILED);
      default:
        return EnumSet.noneOf(State.class);
    }
  }
}
