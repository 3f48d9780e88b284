package io.facesearch.console;

import io.facesearch.accounts.AccountStore;
import io.facesearch.accounts.Application;
import io.facesearch.store.Database;
import io.facesearch.store.SessionCounts;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The console's read-only questions that the services do not answer already. All are scoped by the caller. */
final class ConsoleData {

  private final Database db;
  private final AccountStore accounts;
  private final Clock clock;
  private final SessionCounts counts = new SessionCounts();

  ConsoleData(Database db, AccountStore accounts, Clock clock) {
    this.db = db;
    this.accounts = accounts;
    this.clock = clock;
  }

  /** The organization's applications, oldest first. */
  List<Application> applications(String organizationId) {
    return accounts.applications().stream()
        .filter(a -> a.organizationId().equals(organizationId))
        .toList();
  }

  /** The application's keys (never the keys themselves). */
  List<AccountStore.KeyInfo> keys(String applicationId) {
    return accounts.listKeys().stream()
        .filter(k -> k.applicationId().equals(applicationId))
        .toList();
  }

  /** Saved searches (API sessions) per UTC day over the last {@code days} days, oldest first, zero-filled. */
  Map<LocalDate, Long> searchesPerDay(String applicationId, int days) {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    LocalDate first = today.minusDays(days - 1L);
    Map<LocalDate, Long> out = new LinkedHashMap<>();
    for (LocalDate d = first; !d.isAfter(today); d = d.plusDays(1)) {
      out.put(d, 0L);
    }
    Map<LocalDate, Long> stored =
        db.read(
            tx ->
                counts.apiSessionsPerDay(
                    tx, applicationId, first.atStartOfDay(ZoneOffset.UTC).toInstant()));
    stored.forEach((day, n) -> out.computeIfPresent(day, (d, zero) -> n));
    return out;
  }

  /** How many saved searches (API sessions) the application has per status wire name. */
  Map<String, Long> statusShare(String applicationId) {
    return db.read(tx -> counts.apiSessionsPerStatus(tx, applicationId));
  }

  /** Whether the session's face is on the blocklist. */
  boolean blocklisted(io.facesearch.store.FaceStore faces, String sessionId) {
    return db.read(
        tx ->
            faces.rows().ofSession(tx, sessionId).stream().anyMatch(f -> f.flags().blocklisted()));
  }

  /** Whether the session stored a face (a photo without one stores none: nothing to blocklist). */
  boolean hasFace(io.facesearch.store.FaceStore faces, String sessionId) {
    return db.read(tx -> !faces.rows().ofSession(tx, sessionId).isEmpty());
  }
}
