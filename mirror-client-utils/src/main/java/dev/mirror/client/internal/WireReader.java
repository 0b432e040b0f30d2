package dev.mirror.client.internal;

import dev.mirror.client.MirrorRecordFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Decodes one key or value of a MirrorMaker 2 internal record, field by field in schema order (see
 * {@link WireWriter} for the layout). Like Kafka's protocol {@code Schema.read}, it ignores bytes after the last
 * field, so a newer writer may append fields. Malformed UTF-8 becomes U+FFFD, as {@code new String(bytes, UTF_8)}
 * and MirrorMaker 2 do.
 *
 * <p>Every failure throws {@link MirrorRecordFormatException} with the subject, the bytes, the field and the
 * expected layout. Not thread-safe: create one per key or value.
 */
public final class WireReader {
  private final String subject;
  private final String layout;
  private final byte[] bytes;
  private final ByteBuffer buffer;

  private WireReader(String subject, String layout, byte[] bytes) {
    this.subject = subject;
    this.layout = layout;
    this.bytes = bytes;
    this.buffer = ByteBuffer.wrap(bytes); // big-endian by default
  }

  /**
   * Starts reading a record key.
   *
   * @param recordType the record type for error messages, e.g. {@code "checkpoint"}
   * @param layout the key's fields for error messages, e.g. {@code "group STRING, topic STRING, partition INT32"}
   * @param key the key's bytes
   * @return a reader positioned at the first field
   * @throws MirrorRecordFormatException if {@code key} is null
   */
  public static WireReader forKey(String recordType, String layout, byte @Nullable [] key) {
    if (key == null) {
      throw new MirrorRecordFormatException(
          recordType + " key is null; expected " + layout + "; skip records without a key");
    }
    return new WireReader(recordType + " key", layout, key);
  }

  /**
   * Starts reading a record value.
   *
   * @param recordType the record type for error messages, e.g. {@code "checkpoint"}
   * @param layout the value's fields for error messages
   * @param value the value's bytes
   * @return a reader positioned at the first field
   * @throws MirrorRecordFormatException if {@code value} is null (a tombstone)
   */
  public static WireReader forValue(String recordType, String layout, byte @Nullable [] value) {
    if (value == null) {
      throw new MirrorRecordFormatException(recordType + " value is null (a tombstone); expected " + layout
          + "; skip tombstones");
    }
    return new WireReader(recordType + " value", layout, value);
  }

  /**
   * Reads an {@code INT16} format version and checks that it is not negative. Any version {@code >= 0} is
   * accepted and the caller parses the version-0 fields that follow, as MirrorMaker 2's reader does.
   *
   * @param field the field's name, for error messages
   * @return the version
   * @throws MirrorRecordFormatException if the bytes end early or the version is negative
   */
  public short version(String field) {
    int position = buffer.position();
    short version = int16(field);
    if (version < 0) {
      throw malformed("field '" + field + "' (INT16) at position " + position + " is " + version
          + ", but a version must be >= 0 (MirrorMaker 2 writes 0)");
    }
    return version;
  }

  /**
   * Reads an {@code INT16}.
   *
   * @param field the field's name, for error messages
   * @return the value
   * @throws MirrorRecordFormatException if fewer than 2 bytes remain
   */
  public short int16(String field) {
    require(field, "INT16", Short.BYTES);
    return buffer.getShort();
  }

  /**
   * Reads an {@code INT32}.
   *
   * @param field the field's name, for error messages
   * @return the value
   * @throws MirrorRecordFormatException if fewer than 4 bytes remain
   */
  public int int32(String field) {
    require(field, "INT32", Integer.BYTES);
    return buffer.getInt();
  }

  /**
   * Reads an {@code INT64}.
   *
   * @param field the field's name, for error messages
   * @return the value
   * @throws MirrorRecordFormatException if fewer than 8 bytes remain
   */
  public long int64(String field) {
    require(field, "INT64", Long.BYTES);
    return buffer.getLong();
  }

  /**
   * Reads a {@code STRING}.
   *
   * @param field the field's name, for error messages
   * @return the value, never null
   * @throws MirrorRecordFormatException if the length is negative or the bytes end early
   */
  public String string(String field) {
    int position = buffer.position();
    require(field, "STRING", Short.BYTES);
    short length = buffer.getShort();
    if (length < 0) {
      throw malformed("field '" + field + "' (STRING) at position " + position + " has length " + length
          + ", but a length must be 0.." + WireFormat.MAX_STRING_BYTES);
    }
    if (buffer.remaining() < length) {
      throw malformed("field '" + field + "' (STRING) needs " + length + " bytes after its length at position "
          + position + ", found " + buffer.remaining());
    }
    String value = new String(bytes, buffer.position(), length, StandardCharsets.UTF_8);
    buffer.position(buffer.position() + length);
    return value;
  }

  private void require(String field, String type, int size) {
    if (buffer.remaining() < size) {
      throw malformed("field '" + field + "' (" + type + ") needs " + size + " bytes at position "
          + buffer.position() + ", found " + buffer.remaining());
    }
  }

  private MirrorRecordFormatException malformed(String problem) {
    return new MirrorRecordFormatException(subject + " " + WireFormat.describe(bytes) + " is malformed: " + problem
        + "; expected " + layout);
  }
}
