package io.facesearch.sessions;

import io.facesearch.accounts.Application;
import io.facesearch.enrollment.Enrollments;
import io.facesearch.gallery.FaceFlags;
import io.facesearch.gallery.FaceState;
import io.facesearch.gallery.Gallery;
import io.facesearch.images.ImageStore;
import io.facesearch.store.Database;
import io.facesearch.store.ErasurePurges;
import io.facesearch.store.Faces;
import io.facesearch.store.Sessions;
import io.facesearch.store.SingletonJob;
import io.facesearch.store.Tx;
import io.facesearch.webhooks.Webhooks;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a reviewer does to a session: decide its status, put its face on or off the blocklist, erase it.
 *
 * <p>Every change of a face goes through the enrollment owner ({@link Enrollments}): the truth first, then the
 * gallery. Erasure removes the session row and its faces (embeddings) and takes its personal data out of the saved
 * answers that matched it ({@link ErasedMatches}), then the faces leave the gallery, then the image file goes.
 */
public final class SessionReview {

  /** A page of sessions, newest first. */
  public record Page(List<Session> sessions, long total, int page, int pageSize) {}

  /** Which sessions to list; null fields do not filter; {@code anyStatus} (may be empty) filters like Didit's list. */
  public record Filter(
      SessionStatus status,
      String vendorData,
      Instant from,
      Instant to,
      SessionType type,
      java.util.Set<SessionStatus> anyStatus) {
    public Filter(
        SessionStatus status, String vendorData, Instant from, Instant to, SessionType type) {
      this(status, vendorData, from, to, type, java.util.Set.of());
    }
  }

  private final Database db;
  private final Sessions sessions;
  private final Faces faces;
  private final Enrollments enrollments;
  private final Gallery gallery;
  private final ImageStore images;
  private final Webhooks webhooks;
  private final Clock clock;

  /**
   * Whether this node has yet to run a purge pass: its first pass runs whether or not one is marked due, for erasures
   * made before the due mark existed (a data folder older than migration V13).
   */
  private final java.util.concurrent.atomic.AtomicBoolean firstPass =
      new java.util.concurrent.atomic.AtomicBoolean(true);

  private final ErasurePurges purges;

  public SessionReview(
      Database db,
      Sessions sessions,
      Faces faces,
      Enrollments enrollments,
      Gallery gallery,
      ImageStore images,
      ErasurePurges purges,
      Webhooks webhooks,
      Clock clock) {
    this.purges = purges;
    this.webhooks = webhooks;
    this.db = db;
    this.sessions = sessions;
    this.faces = faces;
    this.enrollments = enrollments;
    this.gallery = gallery;
    this.images = images;
    this.clock = clock;
  }

  /**
   * Sets the status (and the reviewer's reason). The face's "approved" flag follows the status; when the
   * application blocklists declined faces, a Declined status also blocklists the face.
   */
  public Optional<Session> updateStatus(
      Application app, String sessionId, SessionStatus status, String reason) {
    boolean blocklist = status == SessionStatus.DECLINED && app.settings().autoBlocklistDeclined();
    return enrollments.inTransaction(
        tx -> {
          if (reviewable(tx, app, sessionId).isEmpty()) {
            return Optional.<Session>empty();
          }
          sessions.updateStatus(
              tx, app.id(), sessionId, status.wireName(), reason, clock.instant());
          for (FaceState f : faces.ofSession(tx, sessionId)) {
            FaceFlags old = f.flags();
            enrollments.setFlags(
                tx,
                f.faceId(),
                new FaceFlags(
                    old.blocklisted() || blocklist,
                    old.allowlisted(),
                    status == SessionStatus.APPROVED,
                    old.searchable()));
          }
          Optional<Session> after = reviewable(tx, app, sessionId);
          if (after.isPresent()) {
            enqueue(tx, "status.updated", after.get());
          }
          return after;
        });
  }

  private void enqueue(Tx tx, String type, Session s) {
    webhooks.enqueue(tx, DecisionDocument.webhookEvent(type, s));
  }

  private Optional<Session> reviewable(Tx tx, Application app, String sessionId) {
    return sessions.find(tx, app.id(), sessionId).map(Session::of);
  }

  /** The application's session; empty when unknown. */
  public Optional<Session> find(Application app, String sessionId) {
    return db.read(tx -> reviewable(tx, app, sessionId));
  }

  /** Whether the application's session has a blocklisted face. */
  public boolean faceBlocklisted(Application app, String sessionId) {
    return db.read(
        tx ->
            reviewable(tx, app, sessionId).isPresent()
                && faces.ofSession(tx, sessionId).stream().anyMatch(f -> f.flags().blocklisted()));
  }

  /** What {@link #setBlocklisted} did. */
  public enum BlocklistChange {
    DONE,
    /** Unknown to the application. */
    NO_SUCH_SESSION,
    /** The session stored no face (its photo had none): nothing to blocklist. */
    NO_FACE
  }

  /** Puts the session's face on ({@code true}) or off the blocklist. */
  public BlocklistChange setBlocklisted(Application app, String sessionId, boolean blocklisted) {
    return enrollments.inTransaction(
        tx -> {
          Optional<Session> s = reviewable(tx, app, sessionId);
          if (s.isEmpty()) {
            return BlocklistChange.NO_SUCH_SESSION;
          }
          List<FaceState> sessionFaces = faces.ofSession(tx, sessionId);
          if (sessionFaces.isEmpty()) {
            return BlocklistChange.NO_FACE;
          }
          for (FaceState f : sessionFaces) {
            FaceFlags old = f.flags();
            enrollments.setFlags(
                tx,
                f.faceId(),
                new FaceFlags(blocklisted, old.allowlisted(), old.approved(), old.searchable()));
          }
          enqueue(tx, "data.updated", s.get());
          return BlocklistChange.DONE;
        });
  }

  /** Erases the session: row, faces and embeddings, saved answers, gallery entries, image. False if unknown. */
  public boolean erase(Application app, String sessionId) {
    boolean deleted =
        enrollments.inTransaction(
            tx -> {
              if (sessions.find(tx, app.id(), sessionId).isEmpty()) {
                return false;
              }
              for (FaceState f : faces.ofSession(tx, sessionId)) {
                enrollments.remove(tx, f.faceId());
              }
              if (!sessions.delete(tx, app.id(), sessionId)) {
                return false;
              }
              ErasedMatches.scrub(tx, sessions, app.id(), sessionId);
              images.delete(tx, app.id(), sessionId);
              purges.markDue(tx, clock.instant());
              return true;
            });
    return deleted;
  }

  /**
   * Records, in the transaction of an erasure of biometric data made elsewhere (a face-list entry), that
   * {@link #purgeErased} has work.
   */
  public void erasedIn(Tx tx) {
    purges.markDue(tx, clock.instant());
  }

  /**
   * Makes the erasures since the last pass physical: the SQLite WAL (which still holds the rows' earlier
   * versions) is checkpointed and truncated, and the gallery's segments holding removed faces are rewritten.
   * Freed SQLite pages are zeroed at once (secure_delete). On PostgreSQL the tables holding biometric data are
   * vacuumed instead ({@link Database#vacuumErased}, which says what that does not do). Run every minute by serve
   * and at a clean stop; returns whether a pass ran. A pass runs when an erasure marked it due (in the erasure's
   * transaction, {@link ErasurePurges}), so with several nodes on one database any node purges what another erased,
   * also after that node died; one node at a time runs a pass ({@link Database#runAlone}). A node's first pass runs
   * regardless.
   */
  public boolean purgeErased() {
    boolean first = firstPass.getAndSet(false);
    if (!first && !db.read(purges::isDue)) {
      return false;
    }
    try {
      return db.runAlone(SingletonJob.ERASURE_PURGE, this::purgeNow);
    } catch (RuntimeException e) {
      firstPass.compareAndSet(false, first);
      throw e;
    }
  }

  private void purgeNow() {
    db.inTransaction(purges::takeDue); // erasures that commit from here on are the next pass's
    boolean clean;
    try {
      boolean galleryClean = gallery.purgeRemoved();
      db.vacuumErased(); // PostgreSQL: the deleted rows leave the tables' heaps (SQLite: nothing)
      clean = db.checkpoint() && galleryClean;
    } catch (RuntimeException e) {
      markDue();
      throw e;
    }
    if (!clean) {
      markDue(); // a long read kept the WAL, or merges kept deletions: next pass
    }
  }

  private void markDue() {
    db.inTransaction(
        tx -> {
          purges.markDue(tx, clock.instant());
          return null;
        });
  }

  /**
   * Erases every session of the application created before {@code cutoff} (face-list entries are not sessions: they
   * stay until removed from their list); returns how many.
   */
  public int eraseOlderThan(Application app, Instant cutoff) {
    List<String> ids = db.read(tx -> sessions.createdBefore(tx, app.id(), cutoff));
    int erased = 0;
    for (String id : ids) {
      erased += erase(app, id) ? 1 : 0;
    }
    return erased;
  }

  /** Sessions of the application, newest first, filtered; {@code page} counts from 1. */
  public Page list(Application app, Filter f, int page, int pageSize) {
    Page p = listFrom(app, f, (long) (page - 1) * pageSize, pageSize);
    return new Page(p.sessions(), p.total(), page, pageSize);
  }

  /** As {@link #list(Application, Filter, int, int)} from the {@code offset}-th session (Didit's limit/offset). */
  public Page listFrom(Application app, Filter f, long offset, int pageSize) {
    Sessions.Query query =
        new Sessions.Query(
            f.status() == null ? null : f.status().wireName(),
            f.anyStatus().stream()
                .map(SessionStatus::wireName)
                .collect(java.util.stream.Collectors.toSet()),
            f.vendorData(),
            f.from(),
            f.to(),
            f.type() == null ? null : f.type().dbName());
    return db.read(
        tx -> {
          Sessions.IdPage ids = sessions.page(tx, app.id(), query, offset, pageSize);
          List<Session> found = new ArrayList<>();
          for (String id : ids.ids()) {
            sessions.find(tx, app.id(), id).map(Session::of).ifPresent(found::add);
          }
          return new Page(found, ids.total(), (int) (offset / pageSize) + 1, pageSize);
        });
  }
}
