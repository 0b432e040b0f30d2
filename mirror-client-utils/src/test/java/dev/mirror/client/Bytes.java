package dev.mirror.client;

import java.util.HexFormat;

/** Hex helpers for the wire tests; test vectors are written as in mm2-compat.md, with spaces and bars. */
final class Bytes {
  private static final HexFormat HEX = HexFormat.of();

  private Bytes() {}

  static byte[] hex(String hex) {
    return HEX.parseHex(hex.replace(" ", "").replace("|", ""));
  }

  static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  static byte[] concat(byte[] first, byte[] second) {
    byte[] result = new byte[first.length + second.length];
    System.arraycopy(first, 0, result, 0, first.length);
    System.arraycopy(second, 0, result, first.length, second.length);
    return result;
  }
}
