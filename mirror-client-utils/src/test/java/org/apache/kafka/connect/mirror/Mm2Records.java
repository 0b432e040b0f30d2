package org.apache.kafka.connect.mirror;

import org.apache.kafka.common.TopicPartition;

/**
 * Test-only bridge to MirrorMaker 2's package-private encoders {@code recordKey()} and {@code recordValue()}, which
 * exist in connect-mirror-client and connect-mirror 4.3.1. It lives in MirrorMaker 2's package only to reach them;
 * the tests use it as the compatibility oracle.
 */
public final class Mm2Records {
  private Mm2Records() {}

  public static Checkpoint checkpoint(
      String group, String topic, int partition, long upstreamOffset, long downstreamOffset, String metadata) {
    return new Checkpoint(group, new TopicPartition(topic, partition), upstreamOffset, downstreamOffset, metadata);
  }

  public static byte[] checkpointKey(Checkpoint checkpoint) {
    return checkpoint.recordKey();
  }

  public static byte[] checkpointValue(Checkpoint checkpoint) {
    return checkpoint.recordValue();
  }

  public static byte[] heartbeatKey(Heartbeat heartbeat) {
    return heartbeat.recordKey();
  }

  public static byte[] heartbeatValue(Heartbeat heartbeat) {
    return heartbeat.recordValue();
  }

  public static OffsetSync offsetSync(String topic, int partition, long upstreamOffset, long downstreamOffset) {
    return new OffsetSync(new TopicPartition(topic, partition), upstreamOffset, downstreamOffset);
  }

  public static byte[] offsetSyncKey(OffsetSync offsetSync) {
    return offsetSync.recordKey();
  }

  public static byte[] offsetSyncValue(OffsetSync offsetSync) {
    return offsetSync.recordValue();
  }
}
