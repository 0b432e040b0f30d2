package dev.mirror.internal.engine;

import dev.mirror.MirrorException;

/**
 * A source partition lost records before they were replicated, or was re-created, and the flow's policy is
 * {@link dev.mirror.SourceResetPolicy#STOP}: the flow fails instead of retrying.
 */
final class SourceResetException extends MirrorException {
  private static final long serialVersionUID = 1L;

  SourceResetException(String message) {
    super(message);
  }
}
