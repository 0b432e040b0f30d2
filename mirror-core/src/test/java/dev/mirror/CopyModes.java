package dev.mirror;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks which copy path a flow took, so a test of batch copy cannot pass on a silent fallback to records. */
final class CopyModes {
  private CopyModes() {}

  /** Asserts that {@code mirror}'s flows copied whole batches when {@code batches}, and none otherwise. */
  static void assertCopyMode(Mirror mirror, boolean batches) {
    double copied = mirror.metrics().entrySet().stream()
        .filter(e -> e.getKey().group().equals("mirror-flow-metrics") && e.getKey().name().equals("batch-count"))
        .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
    if (batches) {
      assertThat(copied).as("batches copied whole").isPositive();
    } else {
      assertThat(copied).as("batches copied whole").isZero();
    }
  }
}
