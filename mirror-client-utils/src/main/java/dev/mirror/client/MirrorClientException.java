package dev.mirror.client;

import org.jspecify.annotations.Nullable;

/**
 * The root of the unchecked exceptions thrown by Mirror's client utilities ({@code dev.mirror.client}).
 *
 * <p>Catch this type to handle every client-side failure at once; catch a subclass, such as
 * {@link MirrorRecordFormatException}, to act on one kind. Argument errors are not wrapped: a {@code null}
 * argument throws {@link NullPointerException} and a bad argument value throws {@link IllegalArgumentException}.
 *
 * @since 0.1.0
 */
public class MirrorClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong, with its context
   */
  public MirrorClientException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong, with its context
   * @param cause the underlying error, or {@code null} when there is none
   */
  public MirrorClientException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
