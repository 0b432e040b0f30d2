package dev.mirror.internal.engine;

/**
 * Names of Mirror's own topics. All start with {@code __mirror}, so they are internal for Mirror, for
 * MirrorMaker 2 ({@code __.*} is in its default exclude list and its internal-topic rule) and for most tools.
 */
public final class InternalTopics {
  /** The prefix every Mirror-owned topic starts with. */
  public static final String PREFIX = "__mirror";

  /** Partitions of a state topic: the unit of work sharing between instances. */
  public static final int STATE_PARTITIONS = 12;

  private InternalTopics() {}

  /**
   * Returns the name of the topic on the target cluster that holds where the flow from {@code sourceAlias}
   * resumes and its exact offset mapping: {@code __mirror-state.<mirror>.<source>}.
   */
  public static String state(String mirrorName, String sourceAlias) {
    return dev.mirror.client.internal.StateCodec.topicName(mirrorName, sourceAlias);
  }

  /**
   * Returns the consumer group, on the target cluster, of the instances sharing flow {@code flowId}:
   * {@code __mirror.<mirror>.<source>-><target>}. Its name starts with {@code __}, so checkpoints never
   * include it.
   */
  public static String membershipGroup(String mirrorName, String flowId) {
    return PREFIX + "." + mirrorName + "." + flowId;
  }

  /**
   * Returns the prefix of the transactional ids of flow {@code flowId}'s copy threads in exactly-once mode:
   * {@code mirror-<mirror>-<source>-><target>-txn-}. Grant WRITE on it (a PREFIXED ACL) to Mirror's principal.
   */
  public static String transactionalIdPrefix(String mirrorName, String flowId) {
    return "mirror-" + mirrorName + "-" + flowId + "-txn-";
  }

  /** Returns whether a topic is one of Mirror's own. */
  public static boolean isMirrorTopic(String topic) {
    return topic.startsWith(PREFIX);
  }
}
