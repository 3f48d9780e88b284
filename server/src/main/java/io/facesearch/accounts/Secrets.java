package io.facesearch.accounts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Random secrets (keys, tokens, codes) and the SHA-256 under which they are stored. */
final class Secrets {

  private static final char[] BASE62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  /** {@code prefix} followed by {@code length} random base-62 characters. */
  static String random(String prefix, int length) {
    StringBuilder s = new StringBuilder(prefix);
    for (int i = 0; i < length; i++) {
      s.append(BASE62[RANDOM.nextInt(BASE62.length)]);
    }
    return s.toString();
  }

  /** A code of {@code length} decimal digits. */
  static String digits(int length) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < length; i++) {
      s.append((char) ('0' + RANDOM.nextInt(10)));
    }
    return s.toString();
  }

  static String sha256(String secret) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
