package dev.mirror;

import org.jspecify.annotations.Nullable;

/**
 * The root of the unchecked exceptions Mirror throws.
 *
 * @since 0.1.0
 */
public class MirrorException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong, with its context
   */
  public MirrorException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong, with its context
   * @param cause the underlying error
   */
  public MirrorException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
