package dev.mirror.internal.engine;

import java.util.concurrent.atomic.LongAdder;

/** Counters of one flow, updated by its thread and by producer callbacks, read by status(). */
final class FlowStats {
  final LongAdder recordsReplicated = new LongAdder();
  final LongAdder batchesCopied = new LongAdder();
  volatile long lastPollMillis = -1;
  volatile int topics;
  volatile int partitions;
  volatile int groups;
  volatile long lastCheckpointMillis = -1;
}
