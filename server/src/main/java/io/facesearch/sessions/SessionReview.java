package io.facesearch.sessions;

import io.facesearch.accounts.Application;
import io.facesearch.gallery.FaceFlags;
import io.facesearch.gallery.FaceState;
import io.facesearch.gallery.Gallery;
import io.facesearch.images.ImageStore;
import io.facesearch.store.Database;
import io.facesearch.store.FaceStore;
import io.facesearch.webhooks.Webhooks;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a reviewer does to a session: decide its status, put its face on or off the blocklist, erase it.
 *
 * <p>Every change commits to the database first (the truth), then reaches the gallery; a crash in between is
 * repaired when the gallery is next opened. Erasure removes the session row and, by cascade, its faces
 * (embeddings) and saved answers, and takes its personal data out of the saved answers that matched it
 * ({@link ErasedMatches}), then removes the faces from the gallery, then the image file.
 */
public final class SessionReview {

  /** A page of sessions, newest first. */
  public record Page(List<Session> sessions, long total, int page, int pageSize) {}

  /** Which sessions to list; null fields do not filter; {@code anyStatus} (may be empty) filters like Didit's list. */
  public record Filter(SessionStatus status, String vendorData, Instant from, Instant to, SessionType type,
                       java.util.Set<SessionStatus> anyStatus) {
    public Filter(SessionStatus status, String vendorData, Instant from, Instant to, SessionType type) {
      this(status, vendorData, from, to, type, java.util.Set.of());
    }
  }

  private final Database db;
  private final SessionStore sessions;
  private final FaceStore faces;
  private final Gallery gallery;
  private final ImageStore images;
  private final Webhooks webhooks;
  private final Clock clock;

  /**
   * Set by every erasure until {@link #purgeErased} has made it physical. True at start: erasures acknowledged
   * before a kill -9 may still sit in the WAL and in deleted gallery documents, so the first pass purges anyway.
   */
  private final java.util.concurrent.atomic.AtomicBoolean purgePending =
      new java.util.concurrent.atomic.AtomicBoolean(true);

  public SessionReview(Database db, SessionStore sessions, FaceStore faces, Gallery gallery, ImageStore images,
                       Webhooks webhooks, Clock clock) {
    this.webhooks = webhooks;
    this.db = db;
    this.sessions = sessions;
    this.faces = faces;
    this.gallery = gallery;
    this.images = images;
    this.clock = clock;
  }

  /**
   * Sets the status (and the reviewer's reason). The face's "approved" flag follows the status; when the
   * application blocklists declined faces, a Declined status also blocklists the face.
   */
  public Optional<Session> updateStatus(Application app, String sessionId, SessionStatus status, String reason) {
    boolean blocklist = status == SessionStatus.DECLINED && app.settings().autoBlocklistDeclined();
    List<FaceState> changed = new ArrayList<>();
    Optional<Session> updated = db.withConnectionInTransaction(c -> {
      if (reviewable(c, app, sessionId).isEmpty()) {
        return Optional.<Session>empty();
      }
      try (PreparedStatement q = c.prepareStatement(
          "UPDATE sessions SET status = ?, status_reason = ?, updated_at = ? WHERE id = ? AND application_id = ?")) {
        q.setString(1, status.wireName());
        q.setString(2, reason);
        q.setString(3, clock.instant().toString());
        q.setString(4, sessionId);
        q.setString(5, app.id());
        q.executeUpdate();
      }
      for (FaceState f : faces.ofSession(c, sessionId)) {
        FaceFlags old = f.flags();
        FaceFlags flags = new FaceFlags(old.blocklisted() || blocklist, old.allowlisted(),
            status == SessionStatus.APPROVED, old.searchable());
        faces.updateFlags(c, f.faceId(), flags);
        changed.add(new FaceState(f.faceId(), flags, f.modelId()));
      }
      Optional<Session> after = sessions.find(c, app.id(), sessionId);
      if (after.isPresent()) {
        DecisionDocument.webhookEvent("status.updated", after.get())
            .ifPresent(e -> webhooks.enqueue(db.transitionalTx(c), e));
      }
      return after;
    });
    changed.forEach(f -> gallery.update(f.faceId(), f.flags()));
    return updated;
  }

  /**
   * The application's session, unless it is an entry of a face list: an entry's blocklist or allowlist flag is
   * its list's, and it has no status of its own to review (it is changed with the list routes).
   */
  private Optional<Session> reviewable(Connection c, Application app, String sessionId) throws SQLException {
    return sessions.find(c, app.id(), sessionId).filter(s -> s.type() != SessionType.LIST_ENTRY);
  }

  /** The application's session as the session routes see it: empty when unknown or an entry of a face list. */
  public Optional<Session> find(Application app, String sessionId) {
    return db.withReadConnection(c -> reviewable(c, app, sessionId));
  }

  /** Whether the application's (reviewable) session has a blocklisted face. */
  public boolean faceBlocklisted(Application app, String sessionId) {
    return db.withReadConnection(c -> reviewable(c, app, sessionId).isPresent()
        && faces.ofSession(c, sessionId).stream().anyMatch(f -> f.flags().blocklisted()));
  }

  /** What {@link #setBlocklisted} did. */
  public enum BlocklistChange {
    DONE,
    /** Unknown to the application, or an entry of a face list. */
    NO_SUCH_SESSION,
    /** The session stored no face (its photo had none): nothing to blocklist. */
    NO_FACE
  }

  /** Puts the session's face on ({@code true}) or off the blocklist. */
  public BlocklistChange setBlocklisted(Application app, String sessionId, boolean blocklisted) {
    List<FaceState> changed = new ArrayList<>();
    BlocklistChange outcome = db.withConnectionInTransaction(c -> {
      Optional<Session> s = reviewable(c, app, sessionId);
      if (s.isEmpty()) {
        return BlocklistChange.NO_SUCH_SESSION;
      }
      List<FaceState> sessionFaces = faces.ofSession(c, sessionId);
      if (sessionFaces.isEmpty()) {
        return BlocklistChange.NO_FACE;
      }
      for (FaceState f : sessionFaces) {
        FaceFlags old = f.flags();
        FaceFlags flags = new FaceFlags(blocklisted, old.allowlisted(), old.approved(), old.searchable());
        faces.updateFlags(c, f.faceId(), flags);
        changed.add(new FaceState(f.faceId(), flags, f.modelId()));
      }
      DecisionDocument.webhookEvent("data.updated", s.get())
          .ifPresent(e -> webhooks.enqueue(db.transitionalTx(c), e));
      return BlocklistChange.DONE;
    });
    changed.forEach(f -> gallery.update(f.faceId(), f.flags()));
    return outcome;
  }

  /**
   * Erases the session: row, faces and embeddings, saved answers, gallery entries, image. False if unknown or an
   * entry of a face list (those go with {@link #eraseListEntry}, called by their list).
   */
  public boolean erase(Application app, String sessionId) {
    return erase(app, sessionId, false);
  }

  /** Erases the hidden session of a face-list entry, as {@link #erase} does a session. */
  public boolean eraseListEntry(Application app, String sessionId) {
    return erase(app, sessionId, true);
  }

  private boolean erase(Application app, String sessionId, boolean listEntry) {
    List<String> faceIds = new ArrayList<>();
    boolean deleted = db.withConnectionInTransaction(c -> {
      Optional<Session> found = sessions.find(c, app.id(), sessionId);
      if (found.isEmpty() || (found.get().type() == SessionType.LIST_ENTRY) != listEntry) {
        return false;
      }
      faces.ofSession(c, sessionId).forEach(f -> faceIds.add(f.faceId()));
      try (PreparedStatement q = c.prepareStatement("DELETE FROM sessions WHERE id = ? AND application_id = ?")) {
        q.setString(1, sessionId);
        q.setString(2, app.id());
        if (q.executeUpdate() == 0) {
          return false;
        }
      }
      ErasedMatches.scrub(c, app.id(), sessionId);
      return true;
    });
    if (deleted) {
      faceIds.forEach(gallery::remove);
      images.delete(app.id(), sessionId);
      purgePending.set(true);
    }
    return deleted;
  }

  /**
   * Makes the erasures since the last pass physical: the SQLite WAL (which still holds the rows' earlier
   * versions) is checkpointed and truncated, and the gallery's segments holding removed faces are rewritten.
   * Freed SQLite pages are zeroed at once (secure_delete). Run every minute by serve and at a clean stop;
   * returns whether there was anything to do.
   */
  public boolean purgeErased() {
    if (!purgePending.getAndSet(false)) {
      return false;
    }
    try {
      boolean galleryClean = gallery.purgeRemoved();
      if (!db.checkpoint() || !galleryClean) {
        purgePending.set(true); // a long read kept the WAL, or merges kept deletions: next pass
      }
    } catch (RuntimeException e) {
      purgePending.set(true);
      throw e;
    }
    return true;
  }

  /**
   * Erases every session of the application created before {@code cutoff}, except face-list entries (kept until
   * removed from their list); returns how many.
   */
  public int eraseOlderThan(Application app, Instant cutoff) {
    List<String> ids = db.withReadConnection(c -> {
      List<String> out = new ArrayList<>();
      try (PreparedStatement q = c.prepareStatement(
          "SELECT id FROM sessions WHERE application_id = ? AND created_at < ? AND session_type <> 'list_entry'")) {
        q.setString(1, app.id());
        q.setString(2, cutoff.toString());
        try (ResultSet r = q.executeQuery()) {
          while (r.next()) {
            out.add(r.getString(1));
          }
        }
      }
      return out;
    });
    int erased = 0;
    for (String id : ids) {
      erased += erase(app, id) ? 1 : 0;
    }
    return erased;
  }

  /** Sessions of the application, newest first, filtered; {@code page} counts from 1. List entries are excluded. */
  public Page list(Application app, Filter f, int page, int pageSize) {
    Page p = listFrom(app, f, (long) (page - 1) * pageSize, pageSize);
    return new Page(p.sessions(), p.total(), page, pageSize);
  }

  /** As {@link #list(Application, Filter, int, int)} from the {@code offset}-th session (Didit's limit/offset). */
  public Page listFrom(Application app, Filter f, long offset, int pageSize) {
    StringBuilder where = new StringBuilder(" WHERE application_id = ? AND session_type <> 'list_entry'");
    List<String> args = new ArrayList<>();
    args.add(app.id());
    if (f.status() != null) {
      where.append(" AND status = ?");
      args.add(f.status().wireName());
    }
    if (!f.anyStatus().isEmpty()) {
      where.append(" AND status IN (").append(String.join(", ", java.util.Collections.nCopies(f.anyStatus().size(), "?")))
          .append(")");
      f.anyStatus().forEach(st -> args.add(st.wireName()));
    }
    if (f.vendorData() != null) {
      where.append(" AND vendor_data = ?");
      args.add(f.vendorData());
    }
    if (f.from() != null) {
      where.append(" AND created_at >= ?");
      args.add(f.from().toString());
    }
    if (f.to() != null) {
      where.append(" AND created_at < ?");
      args.add(f.to().toString());
    }
    if (f.type() != null) {
      where.append(" AND session_type = ?");
      args.add(f.type().dbName());
    }
    return db.withReadConnection(c -> {
      long total;
      try (PreparedStatement q = c.prepareStatement("SELECT COUNT(*) FROM sessions" + where)) {
        for (int i = 0; i < args.size(); i++) {
          q.setString(i + 1, args.get(i));
        }
        try (ResultSet r = q.executeQuery()) {
          r.next();
          total = r.getLong(1);
        }
      }
      List<String> ids = new ArrayList<>();
      try (PreparedStatement q = c.prepareStatement("SELECT id FROM sessions" + where
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
      List<Session> found = new ArrayList<>();
      for (String id : ids) {
        sessions.find(c, app.id(), id).ifPresent(found::add);
      }
      return new Page(found, total, (int) (offset / pageSize) + 1, pageSize);
    });
  }
}
