package dev.mirror.client.internal;

import dev.mirror.client.MirrorRecordFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Encodes one key or value of a MirrorMaker 2 internal record: fields concatenated in schema order, integers
 * big-endian, strings as an {@code INT16} byte count followed by UTF-8 bytes. There is no overall length, no
 * field names and no tags, exactly as Kafka's protocol {@code Struct} writes them.
 *
 * <p>Not thread-safe: create one per key or value, write the fields in order, then call {@link #toByteArray()}.
 */
public final class WireWriter {
  private static final int MAX_INITIAL_CAPACITY = 4 * WireFormat.MAX_STRING_BYTES;

  private final String subject;
  private ByteBuffer buffer;

  /**
   * Starts an empty key or value.
   *
   * @param subject what is being written, for error messages, e.g. {@code "checkpoint key"}
   * @param expectedSize a first guess at the size in bytes; the buffer grows as needed
   */
  public WireWriter(String subject, int expectedSize) {
    this.subject = subject;
    // Clamp the guess: a key or value is at most a few strings of 32767 bytes, so never pre-allocate more.
    int capacity = Math.min(Math.max(expectedSize, 16), MAX_INITIAL_CAPACITY);
    this.buffer = ByteBuffer.allocate(capacity); // ByteBuffer is big-endian by default
  }

  /**
   * Appends an {@code INT16}.
   *
   * @param value the value
   * @return this writer
   */
  public WireWriter int16(short value) {
    ensureRemaining(Short.BYTES).putShort(value);
    return this;
  }

  /**
   * Appends an {@code INT32}.
   *
   * @param value the value
   * @return this writer
   */
  public WireWriter int32(int value) {
    ensureRemaining(Integer.BYTES).putInt(value);
    return this;
  }

  /**
   * Appends an {@code INT64}.
   *
   * @param value the value
   * @return this writer
   */
  public WireWriter int64(long value) {
    ensureRemaining(Long.BYTES).putLong(value);
    return this;
  }

  /**
   * Appends a {@code STRING}: its UTF-8 byte count as an {@code INT16}, then the bytes.
   *
   * @param field the field's name in MirrorMaker 2's schema, for error messages
   * @param value the value; the protocol has no null strings
   * @return this writer
   * @throws MirrorRecordFormatException if the value is longer than 32767 UTF-8 bytes
   */
  public WireWriter string(String field, String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    if (utf8.length > WireFormat.MAX_STRING_BYTES) {
      throw new MirrorRecordFormatException(subject + " field '" + field + "' is too long: "
          + WireFormat.abbreviate(value) + " is " + utf8.length + " UTF-8 bytes, but MirrorMaker 2 strings hold at "
          + "most " + WireFormat.MAX_STRING_BYTES + "; shorten it");
    }
    ensureRemaining(Short.BYTES + utf8.length).putShort((short) utf8.length).put(utf8);
    return this;
  }

  /**
   * Returns the bytes written so far.
   *
   * @return a new array holding exactly the written bytes
   */
  public byte[] toByteArray() {
    return Arrays.copyOf(buffer.array(), buffer.position());
  }

  private ByteBuffer ensureRemaining(int bytes) {
    if (buffer.remaining() < bytes) {
      int capacity = Math.max(buffer.capacity() * 2, buffer.position() + bytes);
      ByteBuffer grown = ByteBuffer.allocate(capacity);
      grown.put(buffer.array(), 0, buffer.position());
      buffer = grown;
    }
    return buffer;
  }
}
