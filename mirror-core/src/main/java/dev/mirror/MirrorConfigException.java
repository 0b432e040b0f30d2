package dev.mirror;

import java.util.List;

/**
 * Thrown by {@link Mirror.Builder#build()} when the configuration is invalid. It lists every problem found,
 * not only the first, each naming the setting, the bad value and what would be accepted.
 *
 * @since 0.1.0
 */
public final class MirrorConfigException extends MirrorException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  /**
   * Creates an exception listing the problems found.
   *
   * @param problems one message per problem; not empty
   */
  public MirrorConfigException(List<String> problems) {
    super(format(problems));
    this.problems = List.copyOf(problems);
  }

  /** Returns every problem found, one message each, in the order they were found. */
  public List<String> problems() {
    return problems;
  }

  private static String format(List<String> problems) {
    if (problems.size() == 1) {
      return "invalid Mirror configuration: " + problems.get(0);
    }
    StringBuilder sb = new StringBuilder("invalid Mirror configuration, ").append(problems.size()).append(" problems:");
    for (String p : problems) {
      sb.append("\n  - ").append(p);
    }
    return sb.toString();
  }
}
