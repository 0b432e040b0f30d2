package dev.mirror.client;

/**
 * Thrown when the bytes of a MirrorMaker 2 internal record (a {@link Checkpoint}, an {@link OffsetSync} or a
 * {@link Heartbeat}) cannot be decoded, or when a record cannot be encoded in MirrorMaker 2's format.
 *
 * <p>Decoding fails on a {@code null} key or value (a tombstone), on bytes that end before the last field, on a
 * negative string length and on a negative format version. Encoding fails on a string longer than 32767 UTF-8
 * bytes. The message names the record type, the part (key or value), the field, and shows the offending bytes
 * in hexadecimal (the first 32 bytes) or the offending string (the first 20 characters).
 *
 * <p>A reader of a checkpoints or offset-syncs topic usually logs such a record and skips it, as MirrorMaker 2's
 * own client does. A common cause is a MirrorMaker 2 deployed on a Connect cluster whose converter is not the
 * {@code ByteArrayConverter}, which wraps the bytes in another format.
 *
 * @since 0.1.0
 */
public final class MirrorRecordFormatException extends MirrorClientException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what is wrong: the record type, the field and the bad bytes or value
   */
  public MirrorRecordFormatException(String message) {
    super(message);
  }
}
