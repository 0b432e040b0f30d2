package dev.mirror.client.internal;

import java.util.HexFormat;

/** Constants and message helpers shared by {@link WireWriter} and {@link WireReader}. */
final class WireFormat {
  /** The longest {@code STRING} the protocol's {@code INT16} length prefix can describe, in UTF-8 bytes. */
  static final int MAX_STRING_BYTES = Short.MAX_VALUE;

  /** Bytes shown in an error message before the hex dump is cut short. */
  private static final int MAX_HEX_BYTES = 32;

  /** Characters of a string shown in an error message before it is cut short. */
  private static final int MAX_STRING_CHARS = 20;

  private static final HexFormat HEX = HexFormat.of();

  private WireFormat() {}

  /** Renders bytes for a message as {@code (N bytes) 'hex'}, the hex cut after 32 bytes with {@code ...}. */
  static String describe(byte[] bytes) {
    String hex = bytes.length <= MAX_HEX_BYTES
        ? HEX.formatHex(bytes)
        : HEX.formatHex(bytes, 0, MAX_HEX_BYTES) + "...";
    return "(" + bytes.length + (bytes.length == 1 ? " byte) '" : " bytes) '") + hex + "'";
  }

  /** Renders a string for a message in single quotes, cut after 20 characters with {@code ...}. */
  static String abbreviate(String value) {
    if (value.length() <= MAX_STRING_CHARS) {
      return "'" + value + "'";
    }
    // Do not split a surrogate pair: a lone half would print as '?'.
    int end = Character.isHighSurrogate(value.charAt(MAX_STRING_CHARS - 1)) ? MAX_STRING_CHARS - 1 : MAX_STRING_CHARS;
    return "'" + value.substring(0, end) + "...'";
  }
}
