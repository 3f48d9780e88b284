package io.facesearch.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.sqlite.SQLiteDataSource;

/**
 * A data folder as the versions before V11 wrote it: a face-list entry is a hidden session of type list_entry that
 * holds the entry's face and image. For the migration test.
 */
public final class PreV11DataFolder {

  /** What was written: the ids of the application, list, entry, hidden session and face, and the API key. */
  public record Written(
      String applicationId,
      String listId,
      String entryId,
      String hiddenSessionId,
      String faceId,
      String apiKey) {}

  private PreV11DataFolder() {}

  /**
   * Creates the schema up to V10 in {@code dataDir}, an application with {@code apiKey}, and a blocklist with one
   * uploaded entry whose face is {@code embedding} (by {@code modelId}) and whose image is {@code jpeg}.
   */
  public static Written withBlocklistEntry(
      Path dataDir,
      String apiKeySha256,
      String apiKey,
      float[] embedding,
      String modelId,
      byte[] jpeg)
      throws Exception {
    Files.createDirectories(dataDir);
    SQLiteDataSource ds = new SQLiteDataSource();
    ds.setUrl("jdbc:sqlite:" + dataDir.resolve("facesearch.db").toAbsolutePath());
    // The last migration before V11 (V9 or V10, whichever this build has).
    MigrationVersion before =
        java.util.Arrays.stream(
                Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration")
                    .load()
                    .info()
                    .all())
            .map(MigrationInfo::getVersion)
            .filter(v -> v.compareTo(MigrationVersion.fromVersion("11")) < 0)
            .max(MigrationVersion::compareTo)
            .orElseThrow();
    Flyway.configure()
        .dataSource(ds)
        .locations("classpath:db/migration")
        .target(before)
        .load()
        .migrate();
    String now = Instant.now().toString();
    String org = UUID.randomUUID().toString();
    String app = UUID.randomUUID().toString();
    String list = UUID.randomUUID().toString();
    String entry = UUID.randomUUID().toString();
    String hidden = UUID.randomUUID().toString();
    String face = UUID.randomUUID().toString();
    try (Connection c = ds.getConnection()) {
      run(c, "INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)", org, "Org", now);
      run(
          c,
          "INSERT INTO applications (id, organization_id, name, client_id, created_at) VALUES (?, ?, ?, ?, ?)",
          app,
          org,
          "App",
          UUID.randomUUID().toString(),
          now);
      run(
          c,
          "INSERT INTO api_keys (id, application_id, prefix, key_sha256, created_at) VALUES (?, ?, ?, ?, ?)",
          UUID.randomUUID().toString(),
          app,
          apiKey.substring(0, 8),
          apiKeySha256,
          now);
      run(
          c,
          "INSERT INTO sessions (id, application_id, session_number, session_type, status, verification_date, "
              + "image_file, created_at) VALUES (?, ?, 1, 'list_entry', 'Approved', ?, ?, ?)",
          hidden,
          app,
          now,
          hidden + ".jpg",
          now);
      run(c, "UPDATE applications SET next_session_number = 2 WHERE id = ?", app);
      try (PreparedStatement q =
          c.prepareStatement(
              "INSERT INTO faces (id, application_id, session_id, source, "
                  + "blocklisted, allowlisted, approved, searchable, model_id, embedding, created_at) "
                  + "VALUES (?, ?, ?, 'list_entry', 1, 0, 0, 1, ?, ?, ?)")) {
        q.setString(1, face);
        q.setString(2, app);
        q.setString(3, hidden);
        q.setString(4, modelId);
        ByteBuffer b = ByteBuffer.allocate(embedding.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : embedding) {
          b.putFloat(x);
        }
        q.setBytes(5, b.array());
        q.setString(6, now);
        q.executeUpdate();
      }
      run(
          c,
          "INSERT INTO face_lists (id, application_id, name, list_type, created_at, updated_at) "
              + "VALUES (?, ?, 'Fraudsters', 'blocklist', ?, ?)",
          list,
          app,
          now,
          now);
      run(
          c,
          "INSERT INTO face_list_entries (id, list_id, session_id, comment, created_at, display_label) "
              + "VALUES (?, ?, ?, 'chargeback ring', ?, 'Known')",
          entry,
          list,
          hidden,
          now);
    }
    Path image = dataDir.resolve("images").resolve(app).resolve(hidden + ".jpg");
    Files.createDirectories(image.getParent());
    Files.write(image, jpeg);
    return new Written(app, list, entry, hidden, face, apiKey);
  }

  private static void run(Connection c, String sql, String... args) throws SQLException {
    try (PreparedStatement q = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        q.setString(i + 1, args[i]);
      }
      q.executeUpdate();
    }
  }
}
