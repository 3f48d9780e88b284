package io.facesearch.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The SQLite truth of an embedded data folder ({@code <data>/facesearch.db}) opened read-only, as the source of a
 * migration to cluster mode ({@link TruthCopy}). Unlike {@link Database#sqlite} it never migrates, vacuums or
 * otherwise writes the file: a folder whose schema is not this build's is refused ({@link #schemaProblem}), not
 * upgraded behind the operator's back.
 */
public final class EmbeddedTruth implements AutoCloseable {

  private final SQLiteDataSource dataSource;
  private final Connection connection;

  private EmbeddedTruth(SQLiteDataSource dataSource, Connection connection) {
    this.dataSource = dataSource;
    this.connection = connection;
  }

  /** Opens {@code <dataDir>/facesearch.db} read-only; fails when there is no such file. */
  public static EmbeddedTruth open(Path dataDir) {
    Path file = dataDir.resolve("facesearch.db");
    if (!Files.isRegularFile(file)) {
      throw new StoreException("no facesearch.db in " + dataDir.toAbsolutePath(), null);
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(10_000);
    SQLiteDataSource ds = new SQLiteDataSource(config);
    ds.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
    try {
      return new EmbeddedTruth(ds, ds.getConnection());
    } catch (SQLException e) {
      throw new StoreException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Why this folder cannot be copied by this build, if it cannot: its schema version is older than this build's
   * (migrations pending: {@code serve} with this build upgrades it) or newer (written by a later build), or it has
   * no schema history at all.
   */
  public Optional<String> schemaProblem() {
    Flyway flyway = Database.sqliteFlyway(dataSource);
    MigrationInfoService info = flyway.info();
    MigrationInfo current = info.current();
    String expected =
        Arrays.stream(info.all())
            .filter(m -> m.getState() != MigrationState.FUTURE_SUCCESS)
            .reduce((a, b) -> b)
            .map(m -> m.getVersion().getVersion())
            .orElse("?");
    if (current == null) {
      return Optional.of(
          "the data folder has no schema history; it was not written by facesearch serve");
    }
    String found = current.getVersion().getVersion();
    if (info.pending().length > 0) {
      return Optional.of(
          "the data folder has schema version "
              + found
              + ", this build expects "
              + expected
              + ": run ./facesearch serve on it once with this build (it upgrades the folder), stop it, then"
              + " migrate");
    }
    if (Arrays.stream(info.all()).anyMatch(m -> m.getState() == MigrationState.FUTURE_SUCCESS)) {
      return Optional.of(
          "the data folder has schema version "
              + found
              + ", newer than this build's "
              + expected
              + ": migrate with the build that wrote it");
    }
    return Optional.empty();
  }

  /** A stored face image the truth refers to: a session's, or a face-list entry's own upload. */
  public record ImageRef(String applicationId, String imageId) {}

  /**
   * Calls {@code action} with every image the truth refers to (sessions with an image file, list entries with an
   * image of their own), in a stable order: what a migration copies to the target's image store.
   */
  public void forEachImage(java.util.function.Consumer<ImageRef> action) {
    try (java.sql.Statement st = connection.createStatement();
        java.sql.ResultSet r =
            st.executeQuery(
                "SELECT application_id, id FROM sessions WHERE image_file IS NOT NULL"
                    + " UNION ALL"
                    + " SELECT l.application_id, e.image_id FROM face_list_entries e"
                    + " JOIN face_lists l ON l.id = e.list_id WHERE e.image_id IS NOT NULL"
                    + " ORDER BY 1, 2")) {
      while (r.next()) {
        action.accept(new ImageRef(r.getString(1), r.getString(2)));
      }
    } catch (SQLException e) {
      throw new StoreException("cannot list the stored images: " + e.getMessage(), e);
    }
  }

  /** The read-only connection; for this package only. */
  Connection connection() {
    return connection;
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // read-only: nothing to lose
    }
  }
}
