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
 *
 * <p>With several nodes on one database a row is claimed ({@link Lease}) by the node that applies it: by the node
 * that wrote it, from its commit ({@link #append} with a lease), or by a node's background drain ({@link
 * #claimOldest}). Claims only spare the nodes duplicate work: applying a row twice, even at once on two nodes,
 * leaves the truth's state (see {@code Enrollments}).
 */
public final class GalleryOutbox {

  /** One pending row. */
  public record Pending(long id, String faceId, int attempts) {}

  private static final String PENDING = "SELECT id, face_id, attempts FROM gallery_outbox ";

  /**
   * Appends a row for the face, claimed by {@code lease} (null: by no node, left to the drains); returns its id.
   */
  public long append(Tx tx, String faceId, Instant now, Lease lease) {
    tx.requireWritable();
    try (PreparedStatement q =
        tx.connection()
            .prepareStatement(
                "INSERT INTO gallery_outbox (face_id, created_at, claimed_by, claimed_until) "
                    + "VALUES (?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
      q.setString(1, faceId);
      q.setString(2, StoredTime.encode(now));
      q.setString(3, lease == null ? null : lease.holder().value());
      q.setString(4, lease == null ? null : StoredTime.encode(lease.until()));
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

  /**
   * Claims for {@code lease}'s holder up to {@code limit} of the oldest rows that no node holds a lease on at {@code
   * now} (never claimed, released after a failure, or claimed by a node whose lease ended), oldest first. On
   * PostgreSQL, nodes claiming at the same moment skip each other's rows ({@link Tx#skipLocked}).
   */
  public List<Pending> claimOldest(Tx tx, Lease lease, Instant now, int limit) {
    tx.requireWritable();
    List<Pending> claimed =
        new java.util.ArrayList<>(
            SqlRows.list(
                tx,
                "UPDATE gallery_outbox SET claimed_by = ?, claimed_until = ? WHERE id IN ("
                    + "SELECT id FROM gallery_outbox WHERE claimed_until IS NULL OR claimed_until <= ? "
                    + "ORDER BY id LIMIT ?"
                    + tx.skipLocked()
                    + ") RETURNING id, face_id, attempts",
                GalleryOutbox::pending,
                lease.holder().value(),
                lease.until(),
                now,
                limit));
    claimed.sort(java.util.Comparator.comparingLong(Pending::id)); // RETURNING's order is none
    return claimed;
  }

  /** Up to {@code limit} pending rows whose id is above {@code afterId}, claimed or not, oldest first. */
  public List<Pending> after(Tx tx, long afterId, int limit) {
    return SqlRows.list(
        tx, PENDING + "WHERE id > ? ORDER BY id LIMIT ?", GalleryOutbox::pending, afterId, limit);
  }

  /** Ends {@code holder}'s claim on a row it did not apply, so that any node's drain may take it at once. */
  public void release(Tx tx, long id, NodeId holder) {
    SqlRows.update(
        tx,
        "UPDATE gallery_outbox SET claimed_by = NULL, claimed_until = NULL "
            + "WHERE id = ? AND claimed_by = ?",
        id,
        holder.value());
  }

  /** The pending row with this id, if it is still there. */
  public Optional<Pending> find(Tx tx, long id) {
    return SqlRows.first(tx, PENDING + "WHERE id = ?", GalleryOutbox::pending, id);
  }

  /**
   * Deletes a row {@code node} applied, unless another node holds a lease on it at {@code now} (that node applies it
   * again and deletes it then: harmless).
   */
  public void delete(Tx tx, long id, NodeId node, Instant now) {
    SqlRows.update(
        tx,
        "DELETE FROM gallery_outbox WHERE id = ? AND (claimed_by IS NULL OR claimed_by = ? "
            + "OR claimed_until <= ?)",
        id,
        node.value(),
        now);
  }

  /**
   * Records a failed attempt to apply the row (the error's message: never biometric data) and ends any claim on it,
   * so that the next drain of any node retries it.
   */
  public void failed(Tx tx, long id, String error) {
    SqlRows.update(
        tx,
        "UPDATE gallery_outbox SET attempts = attempts + 1, last_error = ?, claimed_by = NULL, "
            + "claimed_until = NULL WHERE id = ?",
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
