package io.facesearch.lists;

import io.facesearch.accounts.Application;
import io.facesearch.image.BgrImage;
import io.facesearch.search.FaceSearchService;
import io.facesearch.sessions.Session;
import io.facesearch.sessions.SessionReview;
import io.facesearch.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Face blocklists and allowlists ({@code face_lists}, {@code face_list_entries}), in Didit's shape: every application
 * has one system face blocklist ({@code is_system}, made on first use, never renamed or deleted), and lists of its
 * own. An entry's face is enrolled like any other, with source {@code list_entry} and the list's flag, so face search
 * finds it: blocklist entries decline a search, allowlist entries are reported with {@code is_allowlisted} and never
 * put it in review. An entry is a face upload or a copy of a session's face ({@code reference_session_id}).
 */
public final class FaceLists {

  public enum ListType { BLOCKLIST, ALLOWLIST;

    public String wireName() {
      return name().toLowerCase();
    }

    public static ListType fromWire(String s) {
      for (ListType t : values()) {
        if (t.wireName().equals(s)) {
          return t;
        }
      }
      return null;
    }
  }

  /** The name of every application's system face blocklist. */
  public static final String SYSTEM_BLOCKLIST_NAME = "Face blocklist";

  public record FaceList(String id, String name, String description, ListType type, boolean system, long entries,
                         Instant lastEntryAddedAt, Instant createdAt, Instant updatedAt) {}

  /** {@code metadata} is a JSON object's text, or null. */
  public record Entry(String id, String listId, String sessionId, String displayLabel, String comment,
                      String referenceSessionId, Long referenceSessionNumber, String metadata, Instant createdAt) {}

  /** What an entry is given when it is made or changed; null fields are not set (or kept). */
  public record EntryFields(String displayLabel, String comment, String metadata) {}

  private final Database db;
  private final FaceSearchService search;
  private final SessionReview review;
  private final Clock clock;

  public FaceLists(Database db, FaceSearchService search, SessionReview review, Clock clock) {
    this.db = db;
    this.search = search;
    this.review = review;
    this.clock = clock;
  }

  public FaceList create(Application app, String name, ListType type) {
    return create(app, name, type, null);
  }

  public FaceList create(Application app, String name, ListType type, String description) {
    String id = UUID.randomUUID().toString();
    Instant now = clock.instant();
    db.withConnectionInTransaction(c -> insertList(c, app.id(), id, name, type, description, false, now));
    return new FaceList(id, name, description, type, false, 0, null, now, now);
  }

  private static int insertList(Connection c, String appId, String id, String name, ListType type, String description,
                                boolean system, Instant now) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("INSERT INTO face_lists (id, application_id, name, list_type, "
        + "description, is_system, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      q.setString(1, id);
      q.setString(2, appId);
      q.setString(3, name);
      q.setString(4, type.wireName());
      q.setString(5, description);
      q.setInt(6, system ? 1 : 0);
      q.setString(7, now.toString());
      q.setString(8, now.toString());
      return q.executeUpdate();
    }
  }

  /** The application's system face blocklist, made on first use. */
  public FaceList systemBlocklist(Application app) {
    db.withConnectionInTransaction(c -> {
      try (PreparedStatement q = c.prepareStatement(
          "SELECT 1 FROM face_lists WHERE application_id = ? AND is_system = 1")) {
        q.setString(1, app.id());
        try (ResultSet r = q.executeQuery()) {
          if (r.next()) {
            return null;
          }
        }
      }
      return insertList(c, app.id(), UUID.randomUUID().toString(), SYSTEM_BLOCKLIST_NAME, ListType.BLOCKLIST,
          "Faces blocklisted in this application; sessions deleted while blocklisted keep their face here.", true,
          clock.instant());
    });
    return lists(app).stream().filter(FaceList::system).findFirst().orElseThrow();
  }

  /** The application's lists, the system face blocklist first (made if missing), then oldest first. */
  public List<FaceList> lists(Application app) {
    return db.withReadConnection(c -> {
      List<FaceList> out = new ArrayList<>();
      try (PreparedStatement q = c.prepareStatement("SELECT l.id, l.name, l.description, l.list_type, l.is_system, "
          + "(SELECT COUNT(*) FROM face_list_entries e WHERE e.list_id = l.id), "
          + "(SELECT MAX(e.created_at) FROM face_list_entries e WHERE e.list_id = l.id), l.created_at, "
          + "COALESCE(l.updated_at, l.created_at) FROM face_lists l WHERE l.application_id = ? "
          + "ORDER BY l.is_system DESC, l.created_at")) {
        q.setString(1, app.id());
        try (ResultSet r = q.executeQuery()) {
          while (r.next()) {
            String last = r.getString(7);
            out.add(new FaceList(r.getString(1), r.getString(2), r.getString(3), ListType.fromWire(r.getString(4)),
                r.getInt(5) == 1, r.getLong(6), last == null ? null : Instant.parse(last), Instant.parse(r.getString(8)),
                Instant.parse(r.getString(9))));
          }
        }
      }
      return out;
    });
  }

  public Optional<FaceList> find(Application app, String listId) {
    return lists(app).stream().filter(l -> l.id().equals(listId)).findFirst();
  }

  /** Renames or describes a list (not the system one: false); empty when unknown. */
  public Optional<Boolean> update(Application app, String listId, String name, String description) {
    Optional<FaceList> list = find(app, listId);
    if (list.isEmpty()) {
      return Optional.empty();
    }
    if (list.get().system()) {
      return Optional.of(false);
    }
    db.withConnectionInTransaction(c -> {
      try (PreparedStatement q = c.prepareStatement("UPDATE face_lists SET name = COALESCE(?, name), "
          + "description = COALESCE(?, description), updated_at = ? WHERE id = ? AND application_id = ?")) {
        q.setString(1, name);
        q.setString(2, description);
        q.setString(3, clock.instant().toString());
        q.setString(4, listId);
        q.setString(5, app.id());
        return q.executeUpdate();
      }
    });
    return Optional.of(true);
  }

  /** Deletes a list and erases its entries' faces (not the system list: false); empty when unknown. */
  public Optional<Boolean> delete(Application app, String listId) {
    Optional<FaceList> list = find(app, listId);
    if (list.isEmpty()) {
      return Optional.empty();
    }
    if (list.get().system()) {
      return Optional.of(false);
    }
    for (Entry e : entries(app, listId)) {
      review.eraseListEntry(app, e.sessionId());
    }
    db.withConnectionInTransaction(c -> {
      try (PreparedStatement q = c.prepareStatement("DELETE FROM face_lists WHERE id = ? AND application_id = ?")) {
        q.setString(1, listId);
        q.setString(2, app.id());
        return q.executeUpdate();
      }
    });
    return Optional.of(true);
  }

  /** Adds a face to the list; empty when the list does not exist. */
  public Optional<Entry> addFace(Application app, String listId, BgrImage image, String comment)
      throws FaceSearchService.FaceCountException {
    return addFace(app, listId, image, new EntryFields(null, comment, null));
  }

  /** Adds a face to the list; empty when the list does not exist. */
  public Optional<Entry> addFace(Application app, String listId, BgrImage image, EntryFields fields)
      throws FaceSearchService.FaceCountException {
    Optional<FaceList> list = find(app, listId);
    if (list.isEmpty()) {
      return Optional.empty();
    }
    String entryId = UUID.randomUUID().toString();
    Instant now = clock.instant();
    Session s = search.enrollListEntry(app, image, list.get().type() == ListType.BLOCKLIST,
        (c, stored) -> insertEntry(c, entryId, listId, stored.id(), fields, null, null, now));
    return Optional.of(new Entry(entryId, listId, s.id(), fields.displayLabel(), fields.comment(), null, null,
        fields.metadata(), now));
  }

  /** How adding a session's face to a list went. */
  public enum FromSession { ADDED, NO_SUCH_LIST, NO_SUCH_SESSION, NO_FACE }

  /** The result of {@link #addFromSession}: the entry when {@code ADDED}. */
  public record Added(FromSession outcome, Entry entry) {}

  /**
   * Adds a copy of a session's face to the list (Didit's {@code reference_session_id}); the entry keeps the session's
   * id and number, and outlives the session.
   */
  public Added addFromSession(Application app, String listId, String sessionId, EntryFields fields) {
    Optional<FaceList> list = find(app, listId);
    if (list.isEmpty()) {
      return new Added(FromSession.NO_SUCH_LIST, null);
    }
    Optional<Session> source = review.find(app, sessionId);
    if (source.isEmpty()) {
      return new Added(FromSession.NO_SUCH_SESSION, null);
    }
    String entryId = UUID.randomUUID().toString();
    Instant now = clock.instant();
    long number = source.get().sessionNumber();
    Optional<Session> s = search.enrollListEntryFrom(app, sessionId, list.get().type() == ListType.BLOCKLIST,
        (c, stored) -> insertEntry(c, entryId, listId, stored.id(), fields, sessionId, number, now));
    return s.map(stored -> new Added(FromSession.ADDED, new Entry(entryId, listId, stored.id(), fields.displayLabel(),
        fields.comment(), sessionId, number, fields.metadata(), now))).orElse(new Added(FromSession.NO_FACE, null));
  }

  /**
   * Before a session is deleted: when its face is blocklisted, a copy goes to the system face blocklist, so that the
   * person stays blocked (Didit keeps blocklist entries when a session is deleted). Returns whether it did.
   */
  public boolean keepBlocklistedFace(Application app, String sessionId) {
    if (!review.faceBlocklisted(app, sessionId)) {
      return false;
    }
    return addFromSession(app, systemBlocklist(app).id(), sessionId,
        new EntryFields(null, "Kept when session " + sessionId + " was deleted.", null)).outcome() == FromSession.ADDED;
  }

  private static void insertEntry(Connection c, String entryId, String listId, String sessionId, EntryFields fields,
                                  String referenceSessionId, Long referenceSessionNumber, Instant now)
      throws SQLException {
    try (PreparedStatement q = c.prepareStatement("INSERT INTO face_list_entries (id, list_id, session_id, comment, "
        + "created_at, display_label, reference_session_id, reference_session_number, metadata) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      q.setString(1, entryId);
      q.setString(2, listId);
      q.setString(3, sessionId);
      q.setString(4, fields.comment());
      q.setString(5, now.toString());
      q.setString(6, fields.displayLabel());
      q.setString(7, referenceSessionId);
      if (referenceSessionNumber == null) {
        q.setNull(8, java.sql.Types.INTEGER);
      } else {
        q.setLong(8, referenceSessionNumber);
      }
      q.setString(9, fields.metadata());
      q.executeUpdate();
    }
  }

  public List<Entry> entries(Application app, String listId) {
    return db.withReadConnection(c -> {
      List<Entry> out = new ArrayList<>();
      try (PreparedStatement q = c.prepareStatement("SELECT e.id, e.list_id, e.session_id, e.display_label, e.comment, "
          + "e.reference_session_id, e.reference_session_number, e.metadata, e.created_at "
          + "FROM face_list_entries e JOIN face_lists l ON l.id = e.list_id WHERE l.id = ? AND l.application_id = ? "
          + "ORDER BY e.created_at, e.id")) {
        q.setString(1, listId);
        q.setString(2, app.id());
        try (ResultSet r = q.executeQuery()) {
          while (r.next()) {
            long number = r.getLong(7);
            out.add(new Entry(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                r.getString(6), r.wasNull() ? null : number, r.getString(8), Instant.parse(r.getString(9))));
          }
        }
      }
      return out;
    });
  }

  public Optional<Entry> entry(Application app, String listId, String entryId) {
    return entries(app, listId).stream().filter(e -> e.id().equals(entryId)).findFirst();
  }

  /** Changes an entry's label, comment or metadata (null: kept); empty when unknown. */
  public Optional<Entry> updateEntry(Application app, String listId, String entryId, EntryFields fields) {
    if (entry(app, listId, entryId).isEmpty()) {
      return Optional.empty();
    }
    db.withConnectionInTransaction(c -> {
      try (PreparedStatement q = c.prepareStatement("UPDATE face_list_entries SET display_label = COALESCE(?, "
          + "display_label), comment = COALESCE(?, comment), metadata = COALESCE(?, metadata) WHERE id = ? "
          + "AND list_id = ?")) {
        q.setString(1, fields.displayLabel());
        q.setString(2, fields.comment());
        q.setString(3, fields.metadata());
        q.setString(4, entryId);
        q.setString(5, listId);
        return q.executeUpdate();
      }
    });
    return entry(app, listId, entryId);
  }

  /** Removes an entry and erases its face; false when unknown. */
  public boolean removeEntry(Application app, String listId, String entryId) {
    Optional<Entry> entry = entry(app, listId, entryId);
    return entry.isPresent() && review.eraseListEntry(app, entry.get().sessionId());
  }
}
