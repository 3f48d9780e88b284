package io.facesearch.accounts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * API key format and hashing. A key is {@code fsk_} and 40 base-62 characters (238 bits of randomness);
 * only its SHA-256 is stored, and its first 12 characters as a prefix for listing.
 */
public final class ApiKey {

  static final String PREFIX = "fsk_";
  static final int LISTED_PREFIX_LENGTH = 12;
  private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKey() {}

  /** A fresh random key. */
  public static String generate() {
    StringBuilder key = new StringBuilder(PREFIX);
    for (int i = 0; i < 40; i++) {
      key.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
    }
    return key.toString();
  }

  /** Hex SHA-256 of the key: what the database keeps. */
  public static String sha256(String key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String listedPrefix(String key) {
    return key.substring(0, Math.min(LISTED_PREFIX_LENGTH, key.length()));
  }
}
