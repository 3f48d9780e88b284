package io.facesearch.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@code gallery_outbox} table: faces whose gallery entry must be brought in line with the truth. A row is
 * written in the same transaction as the change of the face, and deleted once the gallery holds the face as the
 * truth has it (see {@code io.facesearch.enrollment.Enrollments}). A row names only the face: what to do is read
 * from the truth when the row is applied, so rows can be applied in any order and more than once.
 */
public final class GalleryOutbox {

  /** One pending row. */
  public record Pending(long id, String faceId, int attempts) {}

  private static final String PENDING = "SELECT id, face_id, attempts FROM gallery_outbox ";

  /** Appends a row for the face; returns its id. */
  public long append(Tx tx, String faceId, Instant now) {
    tx.requireWritable();
    try (PreparedStatement q =
        tx.connection()
            .prepareStatement(
                "INSERT INTO gallery_outbox (face_id, created_at) VALUES (?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
      q.setString(1, faceId);
      q.setString(2, StoredTime.encode(now));
      q.executeUpdate();
      try (ResultSet keys = q.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** The oldest pending rows, at most {@code limit}. */
  public List<Pending> oldest(Tx tx, int limit) {
    return SqlRows.list(tx, PENDING + "ORDER BY id LIMIT ?", GalleryOutbox::pending, limit);
  }

  /** The pending row with this id, if it is still there. */
  public Optional<Pending> find(Tx tx, long id) {
    return SqlRows.first(tx, PENDING + "WHERE id = ?", GalleryOutbox::pending, id);
  }

  /** Deletes an applied row. */
  public void delete(Tx tx, long id) {
    SqlRows.update(tx, "DELETE FROM gallery_outbox WHERE id = ?", id);
  }

  /** Records a failed attempt to apply the row (the error's message: never biometric data). */
  public void failed(Tx tx, long id, String error) {
    SqlRows.update(
        tx,
        "UPDATE gallery_outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
        error,
        id);
  }

  /** The number of pending rows. */
  public long count(Tx tx) {
    return SqlRows.number(tx, "SELECT COUNT(*) FROM gallery_outbox");
  }

  private static Pending pending(ResultSet r) throws SQLException {
    return new Pending(r.getLong(1), r.getString(2), r.getInt(3));
  }
}
