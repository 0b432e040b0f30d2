package dev.mirror;

/**
 * Where a flow starts reading a source partition it has never replicated before. Partitions with a stored
 * position always resume from it.
 *
 * @since 0.1.0
 */
public enum StartPosition {
  /** From the oldest record the source still holds (the default, as in MirrorMaker 2). */
  EARLIEST,
  /** From the end of the partition at the moment the flow first sees it: only new records are replicated. */
  LATEST
}
