package dev.mirror;

/**
 * What a flow does when a source partition no longer holds what replication expected: records were deleted
 * before they were replicated (retention, delete-records), the log was truncated below the replicated position
 * (an unclean leader election), or the topic was deleted and created again under the same name (a new topic
 * id). Each case is always reported, in the flow's status and at WARN or ERROR in the log, naming the
 * partition; the policy decides what happens next.
 *
 * @since 0.1.0
 */
public enum SourceResetPolicy {
  /**
   * Report and go on (the default): after deleted records, from the first record the source still holds; after
   * a truncation or a re-creation, from the partition's first offset, so the records of the new log follow those
   * copied from the old one on the target.
   */
  CONTINUE,
  /**
   * Report and stop the flow: it goes to {@link State#FAILED} with the cause as its last error, and stores no
   * position past what it had replicated, so nothing more happens until an operator decides. To go on, restart
   * the Mirror with {@link #CONTINUE}.
   */
  STOP
}
