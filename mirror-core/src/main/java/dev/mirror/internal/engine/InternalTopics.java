package dev.mirror.internal.engine;

/**
 * Names of Mirror's own topics. All start with {@code __mirror}, so they are internal for Mirror, for
 * MirrorMaker 2 ({@code __.*} is in its default exclude list and its internal-topic rule) and for most tools.
 */
public final class InternalTopics {
  /** The prefix every Mirror-owned topic starts with. */
  public static final String PREFIX = "__mirror";

  /** Partitions of a positions topic: the unit of work sharing between instances. */
  public static final int POSITIONS_PARTITIONS = 12;

  private InternalTopics() {}

  /**
   * Returns the name of the topic on the target cluster that holds where the flow from {@code sourceAlias}
   * resumes: {@code __mirror-positions.<mirror>.<source>}.
   */
  public static String positions(String mirrorName, String sourceAlias) {
    return PREFIX + "-positions." + mirrorName + "." + sourceAlias;
  }

  /** Returns whether a topic is one of Mirror's own. */
  public static boolean isMirrorTopic(String topic) {
    return topic.startsWith(PREFIX);
  }
}
