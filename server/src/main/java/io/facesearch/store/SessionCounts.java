package io.facesearch.store;

import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts of an application's saved searches (API sessions, table {@code sessions}) for the console's charts.
 * Read-only; the sessions themselves are {@code Sessions}' business.
 */
public final class SessionCounts {

  /** Saved searches per UTC day from {@code from} on; days without one are missing. */
  public Map<LocalDate, Long> apiSessionsPerDay(Tx tx, String applicationId, Instant from) {
    Map<LocalDate, Long> out = new LinkedHashMap<>();
    // the first 10 characters of a stored time are its UTC date (StoredTime's fixed form)
    SqlRows.list(
        tx,
        "SELECT substr(created_at, 1, 10), COUNT(*) FROM sessions WHERE application_id = ? "
            + "AND session_type = 'api' AND created_at >= ? GROUP BY 1 ORDER BY 1",
        r -> out.put(LocalDate.parse(r.getString(1)), r.getLong(2)),
        applicationId,
        from);
    return out;
  }

  /** Saved searches per status (its stored wire name). */
  public Map<String, Long> apiSessionsPerStatus(Tx tx, String applicationId) {
    Map<String, Long> out = new LinkedHashMap<>();
    SqlRows.list(
        tx,
        "SELECT status, COUNT(*) FROM sessions WHERE application_id = ? AND session_type = 'api' "
            + "GROUP BY status",
        r -> out.put(r.getString(1), r.getLong(2)),
        applicationId);
    return out;
  }
}
