package io.facesearch.lists;

import io.facesearch.accounts.Application;
import io.facesearch.image.BgrImage;
import io.facesearch.search.FaceSearchService;
import io.facesearch.sessions.Session;
import io.facesearch.sessions.SessionReview;
import io.facesearch.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Face blocklists and allowlists that do not come from sessions ({@code face_lists}, {@code face_list_entries}).
 * An entry's face is enrolled like any other, with source {@code list_entry} and the list's flag, so face
 * search finds it: blocklist entries decline a search, allowlist entries are reported with
 * {@code is_allowlisted} and never put it in review.
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

  public record FaceList(String id, String name, ListType type, long entries, Instant createdAt) {}

  public record Entry(String id, String listId, String sessionId, String comment, Instant createdAt) {}

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
    String id = UUID.randomUUID().toString();
    Instant now = clock.instant();
    db.inTransaction(c -> {
      try (PreparedStatement q = c.prepareStatement(
          "INSERT INTO face_lists (id, application_id, name, list_type, created_at) VALUES (?, ?, ?, ?, ?)")) {
        q.setString(1, id);
        q.setString(2, app.id());
        q.setString(3, name);
        q.setString(4, type.wireName());
        q.setString(5, now.toString());
        return q.executeUpdate();
      }
    });
    return new FaceList(id, name, type, 0, now);
  }

  public List<FaceList> lists(Application app) {
    return db.read(c -> {
      List<FaceList> out = new ArrayList<>();
      try (PreparedStatement q = c.prepareStatement("SELECT l.id, l.name, l.list_type, l.created_at, "
          + "(SELECT COUNT(*) FROM face_list_entries e WHERE e.list_id = l.id) FROM face_lists l "
          + "WHERE l.application_id = ? ORDER BY l.created_at")) {
        q.setString(1, app.id());
        try (ResultSet r = q.executeQuery()) {
          while (r.next()) {
            out.add(new FaceList(r.getString(1), r.getString(2), ListType.fromWire(r.getString(3)), r.getLong(5),
                Instant.parse(r.getString(4))));
          }
        }
      }
      return out;
    });
  }

  public Optional<FaceList> find(Application app, String listId) {
    return lists(app).stream().filter(l -> l.id().equals(listId)).findFirst();
  }

  /** Adds a face to the list; empty when the list does not exist. */
  public Optional<Entry> addFace(Application app, String listId, BgrImage image, String comment)
      throws FaceSearchService.FaceCountException {
    Optional<FaceList> list = find(app, listId);
    if (list.isEmpty()) {
      return Optional.empty();
    }
    String entryId = UUID.randomUUID().toString();
    Instant now = clock.instant();
    Session s = search.enrollListEntry(app, image, list.get().type() == ListType.BLOCKLIST, (c, stored) -> {
      try (PreparedStatement q = c.prepareStatement(
          "INSERT INTO face_list_entries (id, list_id, session_id, comment, created_at) VALUES (?, ?, ?, ?, ?)")) {
        q.setString(1, entryId);
        q.setString(2, listId);
        q.setString(3, stored.id());
        q.setString(4, comment);
        q.setString(5, now.toString());
        q.executeUpdate();
      }
    });
    return Optional.of(new Entry(entryId, listId, s.id(), comment, now));
  }

  public List<Entry> entries(Application app, String listId) {
    return db.read(c -> {
      List<Entry> out = new ArrayList<>();
      try (PreparedStatement q = c.prepareStatement("SELECT e.id, e.list_id, e.session_id, e.comment, e.created_at "
          + "FROM face_list_entries e JOIN face_lists l ON l.id = e.list_id WHERE l.id = ? AND l.application_id = ? "
          + "ORDER BY e.created_at")) {
        q.setString(1, listId);
        q.setString(2, app.id());
        try (ResultSet r = q.executeQuery()) {
          while (r.next()) {
            out.add(new Entry(r.getString(1), r.getString(2), r.getString(3), r.getString(4), Instant.parse(r.getString(5))));
          }
        }
      }
      return out;
    });
  }

  /** Removes an entry and erases its face; false when unknown. */
  public boolean removeEntry(Application app, String listId, String entryId) {
    Optional<Entry> entry = entries(app, listId).stream().filter(e -> e.id().equals(entryId)).findFirst();
    return entry.isPresent() && review.eraseListEntry(app, entry.get().sessionId());
  }
}
