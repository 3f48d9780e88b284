package io.facesearch.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code gallery_outbox} table: faces whose gallery entry must be brought in line with the truth. A row is
 * written in the same transaction as the change of the face, and deleted once the gallery holds the face as the
 * truth has it (see {@code io.facesearch.enrollment.Enrollments}). A row names only the face: what to do is read
 * from the truth when the row is applied, so rows can be applied in any order and more than once.
 */
public final class GalleryOutbox {

  /** One pending row. */
  public record Pending(long id, String faceId, int attempts) {}

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
    List<Pending> out = new ArrayList<>();
    try (PreparedStatement q =
        tx.connection()
            .prepareStatement(
                "SELECT id, face_id, attempts FROM gallery_outbox ORDER BY id LIMIT ?")) {
      q.setInt(1, limit);
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          out.add(new Pending(r.getLong(1), r.getString(2), r.getInt(3)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** The pending row with this id, if it is still there. */
  public java.util.Optional<Pending> find(Tx tx, long id) {
    try (PreparedStatement q =
        tx.connection()
            .prepareStatement("SELECT id, face_id, attempts FROM gallery_outbox WHERE id = ?")) {
      q.setLong(1, id);
      try (ResultSet r = q.executeQuery()) {
        return r.next()
            ? java.util.Optional.of(new Pending(r.getLong(1), r.getString(2), r.getInt(3)))
            : java.util.Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** Deletes an applied row. */
  public void delete(Tx tx, long id) {
    tx.requireWritable();
    try (PreparedStatement q =
        tx.connection().prepareStatement("DELETE FROM gallery_outbox WHERE id = ?")) {
      q.setLong(1, id);
      q.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** Records a failed attempt to apply the row (the error's message: never biometric data). */
  public void failed(Tx tx, long id, String error) {
    tx.requireWritable();
    try (PreparedStatement q =
        tx.connection()
            .prepareStatement(
                "UPDATE gallery_outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?")) {
      q.setString(1, error);
      q.setLong(2, id);
      q.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** The number of pending rows. */
  public long count(Tx tx) {
    try (PreparedStatement q =
            tx.connection().prepareStatement("SELECT COUNT(*) FROM gallery_outbox");
        ResultSet r = q.executeQuery()) {
      r.next();
      return r.getLong(1);
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }
}
