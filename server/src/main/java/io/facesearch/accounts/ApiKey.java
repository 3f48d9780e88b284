package io.facesearch.accounts;

/**
 * API key format and hashing. A key is {@code fsk_} and 40 base-62 characters (238 bits of randomness);
 * only its SHA-256 is stored, and its first 12 characters as a prefix for listing.
 */
public final class ApiKey {

  static final String PREFIX = "fsk_";
  static final int LISTED_PREFIX_LENGTH = 12;

  private ApiKey() {}

  /** A fresh random key. */
  public static String generate() {
    return Secrets.random(PREFIX, 40);
  }

  /** Hex SHA-256 of the key: what the database keeps. */
  public static String sha256(String key) {
    return Secrets.sha256(key);
  }

  static String listedPrefix(String key) {
    return key.substring(0, Math.min(LISTED_PREFIX_LENGTH, key.length()));
  }
}
