package io.facesearch.sessions;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The {@code sessions} table. Writes take the caller's transaction so that a session and its face commit together. */
public final class SessionStore {

  private static final String COLUMNS = "id, application_id, session_number, session_type, status, vendor_data, name, "
      + "document_type, document_number, verification_date, image_file, decision_json, created_at, status_reason";

  /**
   * Inserts {@code s}, numbering it with the application's next session number (the number in {@code s} is
   * ignored); returns the stored session.
   */
  public Session insert(Connection c, Session s) throws SQLException {
    long number;
    try (PreparedStatement q = c.prepareStatement(
        "UPDATE applications SET next_session_number = next_session_number + 1 WHERE id = ? RETURNING next_session_number - 1")) {
      q.setString(1, s.applicationId());
      try (ResultSet r = q.executeQuery()) {
        if (!r.next()) {
          throw new SQLException("no application " + s.applicationId());
        }
        number = r.getLong(1);
      }
    }
    Session stored = s.withNumber(number);
    try (PreparedStatement q = c.prepareStatement("INSERT INTO sessions (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
      q.setString(1, stored.id());
      q.setString(2, stored.applicationId());
      q.setLong(3, number);
      q.setString(4, stored.type().dbName());
      q.setString(5, stored.status().wireName());
      q.setString(6, stored.vendorData());
      q.setString(7, stored.name());
      q.setString(8, stored.documentType());
      q.setString(9, stored.documentNumber());
      q.setString(10, stored.verificationDate().toString());
      q.setString(11, stored.imageFile());
      q.setString(12, stored.decisionJson());
      q.setString(13, stored.createdAt().toString());
      q.setString(14, stored.statusReason());
      q.executeUpdate();
    }
    return stored;
  }

  /** The session, if it exists and belongs to the application. */
  public Optional<Session> find(Connection c, String applicationId, String sessionId) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("SELECT " + COLUMNS + " FROM sessions WHERE id = ? AND application_id = ?")) {
      q.setString(1, sessionId);
      q.setString(2, applicationId);
      try (ResultSet r = q.executeQuery()) {
        return r.next() ? Optional.of(read(r)) : Optional.empty();
      }
    }
  }

  /** The application's sessions among {@code ids}, by id. */
  public Map<String, Session> findAll(Connection c, String applicationId, Collection<String> ids) throws SQLException {
    Map<String, Session> found = new HashMap<>();
    for (String id : ids) {
      find(c, applicationId, id).ifPresent(s -> found.put(s.id(), s));
    }
    return found;
  }

  public long count(Connection c, String applicationId) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("SELECT COUNT(*) FROM sessions WHERE application_id = ?")) {
      q.setString(1, applicationId);
      try (ResultSet r = q.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  private static Session read(ResultSet r) throws SQLException {
    return new Session(r.getString(1), r.getString(2), r.getLong(3), SessionType.fromDb(r.getString(4)),
        SessionStatus.fromWire(r.getString(5)), r.getString(6), r.getString(7), r.getString(8), r.getString(9),
        Instant.parse(r.getString(10)), r.getString(11), r.getString(12), Instant.parse(r.getString(13)), r.getString(14));
  }
}
