package io.facesearch.lists;

import io.facesearch.accounts.Application;
import io.facesearch.enrollment.Enrollments;
import io.facesearch.gallery.FaceSource;
import io.facesearch.gallery.FaceState;
import io.facesearch.gallery.StoredFace;
import io.facesearch.image.BgrImage;
import io.facesearch.images.ImageStore;
import io.facesearch.images.Jpeg;
import io.facesearch.pipeline.Face;
import io.facesearch.search.FaceSearchService;
import io.facesearch.sessions.Session;
import io.facesearch.sessions.SessionReview;
import io.facesearch.store.Database;
import io.facesearch.store.Faces;
import io.facesearch.store.ListEntries;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Face blocklists and allowlists ({@code face_lists}, {@code face_list_entries}), in Didit's shape: every application
 * has one system face blocklist ({@code is_system}, made on first use, never renamed or deleted), and lists of its
 * own. An entry holds its face (not a session: {@code faces.list_entry_id}), enrolled through the enrollment owner with
 * source {@code list_entry} and the list's flag, so face search finds it: blocklist entries decline a search,
 * allowlist entries are reported with {@code is_allowlisted} and never put it in review. An entry is a face upload or
 * a copy of a session's face ({@code reference_session_id}).
 */
public final class FaceLists {

  public enum ListType {
    BLOCKLIST,
    ALLOWLIST;

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

  public record FaceList(
      String id,
      String name,
      String description,
      ListType type,
      boolean system,
      long entries,
      Instant lastEntryAddedAt,
      Instant createdAt,
      Instant updatedAt) {
    static FaceList of(ListEntries.ListRow r) {
      return new FaceList(
          r.id(),
          r.name(),
          r.description(),
          ListType.fromWire(r.listType()),
          r.system(),
          r.entries(),
          r.lastEntryAddedAt(),
          r.createdAt(),
          r.updatedAt());
    }
  }

  /**
   * {@code metadata} is a JSON object's text, or null. {@code imageId}: the id its uploaded image is stored under
   * ({@link ImageStore}), or null for a copy of a session's face. The entry's face has the entry's id as its owner,
   * which is what a search match reports as {@code session_id}.
   */
  public record Entry(
      String id,
      String listId,
      String imageId,
      String displayLabel,
      String comment,
      String referenceSessionId,
      Long referenceSessionNumber,
      String metadata,
      Instant createdAt) {
    static Entry of(ListEntries.EntryRow r) {
      return new Entry(
          r.id(),
          r.listId(),
          r.imageId(),
          r.displayLabel(),
          r.comment(),
          r.referenceSessionId(),
          r.referenceSessionNumber(),
          r.metadata(),
          r.createdAt());
    }

    ListEntries.EntryRow row() {
      return new ListEntries.EntryRow(
          id,
          listId,
          imageId,
          displayLabel,
          comment,
          referenceSessionId,
          referenceSessionNumber,
          metadata,
          createdAt);
    }
  }

  /** What an entry is given when it is made or changed; null fields are not set (or kept). */
  public record EntryFields(String displayLabel, String comment, String metadata) {}

  private final Database db;
  private final ListEntries rows;
  private final Faces faces;
  private final Enrollments enrollments;
  private final FaceSearchService search;
  private final SessionReview review;
  private final ImageStore images;
  private final Clock clock;

  public FaceLists(
      Database db,
      ListEntries rows,
      Faces faces,
      Enrollments enrollments,
      FaceSearchService search,
      SessionReview review,
      ImageStore images,
      Clock clock) {
    this.db = db;
    this.rows = rows;
    this.faces = faces;
    this.enrollments = enrollments;
    this.search = search;
    this.review = review;
    this.images = images;
    this.clock = clock;
  }

  /** The time now at the store's precision (microseconds), so that what is answered is what is read back later. */
  private Instant now() {
    return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
  }

  public FaceList create(Application app, String name, ListType type) {
    return create(app, name, type, null);
  }

  public FaceList create(Application app, String name, ListType type, String description) {
    String id = UUID.randomUUID().toString();
    Instant now = now();
    db.inTransaction(
        tx -> {
          rows.insertList(tx, app.id(), id, name, type.wireName(), description, false, now);
          return null;
        });
    return new FaceList(id, name, description, type, false, 0, null, now, now);
  }

  /** The application's system face blocklist, made on first use. */
  public FaceList systemBlocklist(Application app) {
    db.inTransaction(
        tx -> {
          if (!rows.hasSystemList(tx, app.id())) {
            rows.insertList(
                tx,
                app.id(),
                UUID.randomUUID().toString(),
                SYSTEM_BLOCKLIST_NAME,
                ListType.BLOCKLIST.wireName(),
                "Faces blocklisted in this application; sessions deleted while blocklisted keep their face here.",
                true,
                now());
          }
          return null;
        });
    return lists(app).stream().filter(FaceList::system).findFirst().orElseThrow();
  }

  /** The application's lists, the system face blocklist first (made if missing), then oldest first. */
  public List<FaceList> lists(Application app) {
    return db.read(tx -> rows.lists(tx, app.id())).stream().map(FaceList::of).toList();
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
    db.inTransaction(
        tx -> {
          rows.updateList(tx, app.id(), listId, name, description, now());
          return null;
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
      erase(app, e);
    }
    db.inTransaction(
        tx -> {
          rows.deleteList(tx, app.id(), listId);
          return null;
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
    FaceSearchService.ListFace found = search.listFace(image);
    Instant now = now();
    String entryId = UUID.randomUUID().toString();
    Entry entry =
        new Entry(
            entryId,
            listId,
            entryId,
            fields.displayLabel(),
            fields.comment(),
            null,
            null,
            fields.metadata(),
            now);
    Face face = found.face();
    StoredFace stored =
        new StoredFace(
            UUID.randomUUID().toString(),
            app.id(),
            entryId,
            FaceSource.LIST_ENTRY,
            list.get().type() == ListType.BLOCKLIST,
            list.get().type() == ListType.ALLOWLIST,
            false,
            true,
            face.embedding().modelId(),
            now,
            face.embedding().vector());
    byte[] jpeg = Jpeg.encode(found.upright()); // outside the transaction: CPU only
    enrollments.inTransaction(
        tx -> {
          images.save(tx, app.id(), entryId, jpeg);
          rows.insertEntry(tx, entry.row());
          enrollments.enroll(tx, stored);
          return null;
        });
    return Optional.of(entry);
  }

  /** Stores an entry and its face in one transaction; the enrollment owner then adds the face to the gallery. */
  private void store(Entry entry, StoredFace face) {
    enrollments.inTransaction(
        tx -> {
          rows.insertEntry(tx, entry.row());
          enrollments.enroll(tx, face);
          return null;
        });
  }

  /** Removes the entry and its face (truth, then gallery), then its image; the erasure is made physical later. */
  private boolean erase(Application app, Entry entry) {
    boolean deleted =
        enrollments.inTransaction(
            tx -> {
              for (FaceState f : faces.ofListEntry(tx, entry.id())) {
                enrollments.remove(tx, f.faceId());
              }
              boolean gone = rows.deleteEntry(tx, entry.listId(), entry.id());
              if (gone && entry.imageId() != null) {
                images.delete(tx, app.id(), entry.imageId());
              }
              if (gone) {
                review.erasedIn(tx);
              }
              return gone;
            });
    return deleted;
  }

  /** How adding a session's face to a list went. */
  public enum FromSession {
    ADDED,
    NO_SUCH_LIST,
    NO_SUCH_SESSION,
    NO_FACE
  }

  /** The result of {@link #addFromSession}: the entry when {@code ADDED}. */
  public record Added(FromSession outcome, Entry entry) {}

  /**
   * Adds a copy of a session's face to the list (Didit's {@code reference_session_id}); the entry keeps the session's
   * id and number, and outlives the session.
   */
  public Added addFromSession(
      Application app, String listId, String sessionId, EntryFields fields) {
    Optional<FaceList> list = find(app, listId);
    if (list.isEmpty()) {
      return new Added(FromSession.NO_SUCH_LIST, null);
    }
    Optional<Session> source = review.find(app, sessionId);
    if (source.isEmpty()) {
      return new Added(FromSession.NO_SUCH_SESSION, null);
    }
    Optional<StoredFace> sourceFace =
        db.read(
            tx ->
                faces.ofSession(tx, sessionId).stream()
                    .findFirst()
                    .flatMap(f -> faces.find(tx, f.faceId())));
    if (sourceFace.isEmpty() || !sourceFace.get().applicationId().equals(app.id())) {
      return new Added(FromSession.NO_FACE, null);
    }
    Instant now = now();
    String entryId = UUID.randomUUID().toString();
    Entry entry =
        new Entry(
            entryId,
            listId,
            null,
            fields.displayLabel(),
            fields.comment(),
            sessionId,
            source.get().sessionNumber(),
            fields.metadata(),
            now);
    StoredFace from = sourceFace.get();
    StoredFace copy =
        new StoredFace(
            UUID.randomUUID().toString(),
            app.id(),
            entryId,
            FaceSource.LIST_ENTRY,
            list.get().type() == ListType.BLOCKLIST,
            list.get().type() == ListType.ALLOWLIST,
            false,
            true,
            from.modelId(),
            now,
            from.embedding().clone());
    store(entry, copy); // no image of its own: a copy of a stored face
    return new Added(FromSession.ADDED, entry);
  }

  /**
   * Before a session is deleted: when its face is blocklisted, a copy goes to the system face blocklist, so that the
   * person stays blocked (Didit keeps blocklist entries when a session is deleted). Returns whether it did.
   */
  public boolean keepBlocklistedFace(Application app, String sessionId) {
    if (!review.faceBlocklisted(app, sessionId)) {
      return false;
    }
    return addFromSession(
                app,
                systemBlocklist(app).id(),
                sessionId,
                new EntryFields(null, "Kept when session " + sessionId + " was deleted.", null))
            .outcome()
        == FromSession.ADDED;
  }

  public List<Entry> entries(Application app, String listId) {
    return db.read(tx -> rows.entries(tx, app.id(), listId)).stream().map(Entry::of).toList();
  }

  public Optional<Entry> entry(Application app, String listId, String entryId) {
    return entries(app, listId).stream().filter(e -> e.id().equals(entryId)).findFirst();
  }

  /** Changes an entry's label, comment or metadata (null: kept); empty when unknown. */
  public Optional<Entry> updateEntry(
      Application app, String listId, String entryId, EntryFields fields) {
    if (entry(app, listId, entryId).isEmpty()) {
      return Optional.empty();
    }
    db.inTransaction(
        tx -> {
          rows.updateEntry(
              tx, listId, entryId, fields.displayLabel(), fields.comment(), fields.metadata());
          return null;
        });
    return entry(app, listId, entryId);
  }

  /** Removes an entry and erases its face; false when unknown. */
  public boolean removeEntry(Application app, String listId, String entryId) {
    Optional<Entry> entry = entry(app, listId, entryId);
    return entry.isPresent() && erase(app, entry.get());
  }
}
