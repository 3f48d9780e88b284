package io.facesearch.console;

import io.facesearch.accounts.AccountStore;
import io.facesearch.accounts.Application;
import io.facesearch.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The console's read-only questions that the services do not answer already. All are scoped by the caller. */
final class ConsoleData {

  private final Database db;
  private final AccountStore accounts;

  ConsoleData(Database db, AccountStore accounts) {
    this.db = db;
    this.accounts = accounts;
  }

  /** The organization's applications, oldest first. */
  List<Application> applications(String organizationId) {
    return accounts.applications().stream().filter(a -> a.organizationId().equals(organizationId)).toList();
  }

  /** The application's keys (never the keys themselves). */
  List<AccountStore.KeyInfo> keys(String applicationId) {
    return accounts.listKeys().stream().filter(k -> k.applicationId().equals(applicationId)).toList();
  }

  /** Saved searches (API sessions) per UTC day over the last {@code days} days, oldest first, zero-filled. */
  Map<LocalDate, Long> searchesPerDay(String applicationId, int days) {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    LocalDate first = today.minusDays(days - 1L);
    Map<LocalDate, Long> out = new LinkedHashMap<>();
    for (LocalDate d = first; !d.isAfter(today); d = d.plusDays(1)) {
      out.put(d, 0L);
    }
    db.withReadConnection(c -> {
      try (PreparedStatement q = c.prepareStatement("SELECT substr(created_at, 1, 10), COUNT(*) FROM sessions "
          + "WHERE application_id = ? AND session_type = 'api' AND created_at >= ? GROUP BY 1")) {
        q.setString(1, applicationId);
        q.setString(2, first.toString());
        try (ResultSet r = q.executeQuery()) {
          while (r.next()) {
            LocalDate day = LocalDate.parse(r.getString(1));
            long n = r.getLong(2);
            if (out.containsKey(day)) {
              out.put(day, n);
            }
          }
        }
      }
      return null;
    });
    return out;
  }

  /** How many saved searches (API sessions) the application has per status wire name. */
  Map<String, Long> statusShare(String applicationId) {
    return db.withReadConnection(c -> {
      Map<String, Long> out = new LinkedHashMap<>();
      try (PreparedStatement q = c.prepareStatement("SELECT status, COUNT(*) FROM sessions "
          + "WHERE application_id = ? AND session_type = 'api' GROUP BY status")) {
        q.setString(1, applicationId);
        try (ResultSet r = q.executeQuery()) {
          while (r.next()) {
            out.put(r.getString(1), r.getLong(2));
          }
        }
      }
      return out;
    });
  }

  /** Whether the session's face is on the blocklist. */
  boolean blocklisted(io.facesearch.store.FaceStore faces, String sessionId) {
    return db.read(tx -> faces.rows().ofSession(tx, sessionId).stream().anyMatch(f -> f.flags().blocklisted()));
  }

  /** Whether the session stored a face (a photo without one stores none: nothing to blocklist). */
  boolean hasFace(io.facesearch.store.FaceStore faces, String sessionId) {
    return db.read(tx -> !faces.rows().ofSession(tx, sessionId).isEmpty());
  }
}
