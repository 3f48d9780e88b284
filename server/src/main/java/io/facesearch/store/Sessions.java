package io.facesearch.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code sessions} table. Writes take the caller's transaction so that a session, its face and its charge commit
 * together. Times are stored with {@link StoredTime}, so the text comparisons below are time comparisons.
 */
public final class Sessions {

  /**
   * One row. {@code type} and {@code status} are the stored names ({@code api}/{@code enrolled}; the status's wire
   * name); {@code number} is assigned by {@link #insert}.
   */
  public record Row(
      String id,
      String applicationId,
      long number,
      String type,
      String status,
      String vendorData,
      String name,
      String documentType,
      String documentNumber,
      Instant verificationDate,
      String imageFile,
      String decisionJson,
      Instant createdAt,
      String statusReason) {
    @Override
    public String toString() { // never the personal fields
      return "Sessions.Row[id="
          + id
          + ", applicationId="
          + applicationId
          + ", number="
          + number
          + "]";
    }
  }

  /** Which sessions {@link #page} lists, by stored names; null fields (and an empty {@code anyStatus}) do not filter. */
  public record Query(
      String status,
      Set<String> anyStatus,
      String vendorData,
      Instant from,
      Instant to,
      String type) {}

  /** One page of session ids, newest first, and how many match in all. */
  public record IdPage(List<String> ids, long total) {}

  private static final String COLUMNS =
      "id, application_id, session_number, session_type, status, vendor_data, name, "
          + "document_type, document_number, verification_date, image_file, decision_json, created_at, status_reason";

  /**
   * Inserts {@code s}, numbering it with the application's next session number (the number in {@code s} is
   * ignored); returns the number.
   */
  public long insert(Tx tx, Row s) {
    tx.requireWritable();
    try {
      long number;
      try (PreparedStatement q =
          tx.connection()
              .prepareStatement(
                  "UPDATE applications SET next_session_number = "
                      + "next_session_number + 1 WHERE id = ? RETURNING next_session_number - 1")) {
        q.setString(1, s.applicationId());
        try (ResultSet r = q.executeQuery()) {
          if (!r.next()) {
            throw new StoreException("no application " + s.applicationId(), null);
          }
          number = r.getLong(1);
        }
      }
      Row stored = s;
      try (PreparedStatement q =
          tx.connection()
              .prepareStatement(
                  "INSERT INTO sessions (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
        q.setString(1, stored.id());
        q.setString(2, stored.applicationId());
        q.setLong(3, number);
        q.setString(4, stored.type());
        q.setString(5, stored.status());
        q.setString(6, stored.vendorData());
        q.setString(7, stored.name());
        q.setString(8, stored.documentType());
        q.setString(9, stored.documentNumber());
        q.setString(10, StoredTime.encode(stored.verificationDate()));
        q.setString(11, stored.imageFile());
        q.setString(12, stored.decisionJson());
        q.setString(13, StoredTime.encode(stored.createdAt()));
        q.setString(14, stored.statusReason());
        q.executeUpdate();
      }
      return number;
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** The session, if it exists and belongs to the application. */
  public Optional<Row> find(Tx tx, String applicationId, String sessionId) {
    try (PreparedStatement q =
        tx.connection()
            .prepareStatement(
                "SELECT " + COLUMNS + " FROM sessions WHERE id = ? AND application_id = ?")) {
      q.setString(1, sessionId);
      q.setString(2, applicationId);
      try (ResultSet r = q.executeQuery()) {
        return r.next() ? Optional.of(read(r)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** The application's sessions among {@code ids}, by id. */
  public Map<String, Row> findAll(Tx tx, String applicationId, Collection<String> ids) {
    Map<String, Row> found = new HashMap<>();
    for (String id : ids) {
      find(tx, applicationId, id).ifPresent(s -> found.put(s.id(), s));
    }
    return found;
  }

  /** The number of the application's sessions. */
  public long count(Tx tx, String applicationId) {
    try (PreparedStatement q =
        tx.connection()
            .prepareStatement("SELECT COUNT(*) FROM sessions WHERE application_id = ?")) {
      q.setString(1, applicationId);
      try (ResultSet r = q.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** Sets the status, the reviewer's reason and the update time; false when the session is unknown. */
  public boolean updateStatus(
      Tx tx, String applicationId, String sessionId, String status, String reason, Instant now) {
    tx.requireWritable();
    try (PreparedStatement q =
        tx.connection()
            .prepareStatement(
                "UPDATE sessions SET status = ?, status_reason = ?, updated_at = ? WHERE id = ? AND application_id = ?")) {
      q.setString(1, status);
      q.setString(2, reason);
      q.setString(3, StoredTime.encode(now));
      q.setString(4, sessionId);
      q.setString(5, applicationId);
      return q.executeUpdate() > 0;
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** Deletes the session row (its faces and import key go by cascade); false when unknown. */
  public boolean delete(Tx tx, String applicationId, String sessionId) {
    tx.requireWritable();
    try (PreparedStatement q =
        tx.connection()
            .prepareStatement("DELETE FROM sessions WHERE id = ? AND application_id = ?")) {
      q.setString(1, sessionId);
      q.setString(2, applicationId);
      return q.executeUpdate() > 0;
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** Ids of the application's sessions created before {@code cutoff}. */
  public List<String> createdBefore(Tx tx, String applicationId, Instant cutoff) {
    List<String> out = new ArrayList<>();
    try (PreparedStatement q =
        tx.connection()
            .prepareStatement(
                "SELECT id FROM sessions " + "WHERE application_id = ? AND created_at < ?")) {
      q.setString(1, applicationId);
      q.setString(2, StoredTime.encode(cutoff));
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          out.add(r.getString(1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** The ids of one page of the application's sessions, newest first, from the {@code offset}-th. */
  public IdPage page(Tx tx, String applicationId, Query f, long offset, int pageSize) {
    StringBuilder where = new StringBuilder(" WHERE application_id = ?");
    List<String> args = new ArrayList<>();
    args.add(applicationId);
    if (f.status() != null) {
      where.append(" AND status = ?");
      args.add(f.status());
    }
    if (!f.anyStatus().isEmpty()) {
      where
          .append(" AND status IN (")
          .append(String.join(", ", Collections.nCopies(f.anyStatus().size(), "?")))
          .append(")");
      args.addAll(f.anyStatus());
    }
    if (f.vendorData() != null) {
      where.append(" AND vendor_data = ?");
      args.add(f.vendorData());
    }
    if (f.from() != null) {
      where.append(" AND created_at >= ?");
      args.add(StoredTime.encode(f.from()));
    }
    if (f.to() != null) {
      where.append(" AND created_at < ?");
      args.add(StoredTime.encode(f.to()));
    }
    if (f.type() != null) {
      where.append(" AND session_type = ?");
      args.add(f.type());
    }
    try {
      long total;
      try (PreparedStatement q =
          tx.connection().prepareStatement("SELECT COUNT(*) FROM sessions" + where)) {
        for (int i = 0; i < args.size(); i++) {
          q.setString(i + 1, args.get(i));
        }
        try (ResultSet r = q.executeQuery()) {
          r.next();
          total = r.getLong(1);
        }
      }
      List<String> ids = new ArrayList<>();
      try (PreparedStatement q =
          tx.connection()
              .prepareStatement(
                  "SELECT id FROM sessions"
                      + where
                      + " ORDER BY created_at DESC, session_number DESC LIMIT ? OFFSET ?")) {
        for (int i = 0; i < args.size(); i++) {
          q.setString(i + 1, args.get(i));
        }
        q.setInt(args.size() + 1, pageSize);
        q.setLong(args.size() + 2, offset);
        try (ResultSet r = q.executeQuery()) {
          while (r.next()) {
            ids.add(r.getString(1));
          }
        }
      }
      return new IdPage(ids, total);
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /**
   * The saved answers ({@code decision_json}) of the application's sessions whose text contains {@code text}, by
   * session id: a text search, not an index, so its cost grows with the application's saved searches.
   */
  public Map<String, String> answersContaining(Tx tx, String applicationId, String text) {
    String pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    Map<String, String> out = new HashMap<>();
    try (PreparedStatement q =
        tx.connection()
            .prepareStatement(
                "SELECT id, decision_json FROM sessions "
                    + "WHERE application_id = ? AND decision_json LIKE ? ESCAPE '\\'")) {
      q.setString(1, applicationId);
      q.setString(2, pattern);
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          out.put(r.getString(1), r.getString(2));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** Replaces a session's saved answer. */
  public void replaceAnswer(Tx tx, String sessionId, String answerJson) {
    tx.requireWritable();
    try (PreparedStatement q =
        tx.connection().prepareStatement("UPDATE sessions SET decision_json = ? WHERE id = ?")) {
      q.setString(1, answerJson);
      q.setString(2, sessionId);
      q.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  private static Row read(ResultSet r) throws SQLException {
    return new Row(
        r.getString(1),
        r.getString(2),
        r.getLong(3),
        r.getString(4),
        r.getString(5),
        r.getString(6),
        r.getString(7),
        r.getString(8),
        r.getString(9),
        StoredTime.decode(r.getString(10)),
        r.getString(11),
        r.getString(12),
        StoredTime.decode(r.getString(13)),
        r.getString(14));
  }
}
