package io.facesearch.store;

import java.util.List;

/**
 * A table of the truth that {@link TruthCopy} copies from an embedded data folder to PostgreSQL, with the columns
 * of its primary key (the order in which rows are read, and the conflict that makes a second copy of a row a no-op).
 *
 * @param name the table's name, the same on both engines
 * @param key  the columns of its primary key, in index order
 */
public record CopiedTable(String name, List<String> key) {

  public CopiedTable {
    key = List.copyOf(key);
    if (key.isEmpty()) {
      throw new IllegalArgumentException(name + ": a copied table needs its key");
    }
  }

  private static CopiedTable of(String name, String... key) {
    return new CopiedTable(name, List.of(key));
  }

  /**
   * Every table of the SQLite schema that holds the truth, parents before children (each table's foreign keys name
   * tables earlier in the list). A table added by a migration must be added here: {@code TruthCopyTest} fails on a
   * table of the schema this list lacks.
   */
  public static final List<CopiedTable> ALL =
      List.of(
          of("organizations", "id"),
          of("applications", "id"),
          of("api_keys", "id"),
          of("sessions", "id"),
          of("import_keys", "application_id", "import_key"),
          of("users", "id"),
          of("email_codes", "id"),
          of("access_tokens", "token_sha256"),
          of("email_outbox", "id"),
          of("credit_ledger", "id"),
          of("credit_holds", "id"),
          of("top_ups", "id"),
          of("face_lists", "id"),
          of("webhook_deliveries", "id"),
          of("console_sessions", "token_sha256"),
          of("console_sign_in_failures", "email"),
          of("webhook_destinations", "id"),
          of("face_list_entries", "id"),
          of("faces", "id"),
          of("gallery_outbox", "id"),
          of("erasure_purge_due", "id"));
}
