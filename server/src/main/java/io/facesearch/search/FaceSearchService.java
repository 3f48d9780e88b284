package io.facesearch.search;

import io.facesearch.accounts.Application;
import io.facesearch.billing.Credits;
import io.facesearch.gallery.FaceSource;
import io.facesearch.gallery.Gallery;
import io.facesearch.gallery.GalleryFilter;
import io.facesearch.gallery.GalleryMatch;
import io.facesearch.gallery.GalleryQuery;
import io.facesearch.gallery.StoredFace;
import io.facesearch.image.BgrImage;
import io.facesearch.images.ImageStore;
import io.facesearch.pipeline.Analysis;
import io.facesearch.pipeline.Face;
import io.facesearch.pipeline.FacePipeline;
import io.facesearch.sessions.Session;
import io.facesearch.sessions.SessionStatus;
import io.facesearch.sessions.SessionStore;
import io.facesearch.sessions.SessionType;
import io.facesearch.store.Database;
import io.facesearch.store.FaceStore;
import io.facesearch.webhooks.Webhooks;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Face search and enrollment: photo -> faces -> gallery search -> decision, and the durable writes.
 *
 * <p>Write order: the image file, then one SQL transaction (session, face with its embedding, saved answer),
 * then the gallery. The SQL database is the truth; if the process dies after the commit and before the
 * gallery add, the gallery's check against the truth at the next start adds the face.
 */
public final class FaceSearchService {

  /** Matches returned at most. */
  public static final int MAX_MATCHES = 5;
  /** Matches counted at most for total_matches. */
  static final int MAX_COUNTED = 100;

  /** One match with the matched session. */
  public record Match(GalleryMatch face, Session session, double percentage) {}

  /** The outcome of one search, before anything is saved. */
  public record Result(String requestId, Instant createdAt, Analysis analysis, Decision.Outcome outcome,
                       List<Match> matches, int totalMatches) {}

  /**
   * A session to enroll through {@link #enroll}. {@code importKey}, when not null, is recorded in
   * {@code import_keys} in the same transaction, so a resumed bulk import knows exactly what is done.
   */
  public record Enrollment(String vendorData, SessionStatus status, Instant verificationDate, String name,
                           String documentType, String documentNumber, FaceSource source, String importKey) {}

  /** A photo that cannot be enrolled: no face, or more than one where one is required. */
  public static final class FaceCountException extends Exception {
    private final int faces;

    private FaceCountException(int faces, String message) {
      super(message, null, false, false);
      this.faces = faces;
    }

    static FaceCountException none() {
      return new FaceCountException(0, "No face was detected in the image.");
    }

    static FaceCountException several(int faces, String advice) {
      return new FaceCountException(faces, "More than one face was detected in the image (" + faces + "); " + advice);
    }

    /** How many faces the photo holds: 0, or more than 1. */
    public int faces() {
      return faces;
    }
  }

  private final FacePipeline pipeline;
  private final Gallery gallery;
  private final Database db;
  private final SessionStore sessions;
  private final FaceStore faces;
  private final ImageStore images;
  private final Credits credits;
  private final Webhooks webhooks;
  private final Clock clock;

  public FaceSearchService(FacePipeline pipeline, Gallery gallery, Database db, SessionStore sessions, FaceStore faces,
                           ImageStore images, Credits credits, Webhooks webhooks, Clock clock) {
    this.credits = credits;
    this.webhooks = webhooks;
    this.pipeline = pipeline;
    this.gallery = gallery;
    this.db = db;
    this.sessions = sessions;
    this.faces = faces;
    this.images = images;
    this.clock = clock;
  }

  /** Analyses the photo, searches the application's gallery and decides; stores nothing. */
  public Result search(Application app, BgrImage image, SearchType type, boolean rotate) {
    Instant now = clock.instant();
    Analysis analysis = pipeline.analyze(image, rotate);
    List<Match> matches = new ArrayList<>();
    int total = 0;
    if (analysis.hasFace()) {
      GalleryFilter filter = new GalleryFilter(app.id(), type == SearchType.BLOCKLISTED_OR_APPROVED, Set.of());
      float minCosine = SimilarityScale.cosine(app.settings().similarityThreshold());
      List<GalleryMatch> found = gallery.search(new GalleryQuery(analysis.largestFace().embedding().vector(),
          MAX_COUNTED, minCosine, filter));
      Map<String, Session> bySession = found.isEmpty() ? Map.of() : db.read(c -> sessions.findAll(c, app.id(),
          found.stream().map(GalleryMatch::sessionId).distinct().toList()));
      for (GalleryMatch m : found) {
        Session s = bySession.get(m.sessionId());
        if (s != null) { // a session erased since the search started is not reported
          total++;
          if (matches.size() < MAX_MATCHES) {
            matches.add(new Match(m, s, SimilarityScale.rounded(m.similarity())));
          }
        }
      }
    }
    List<GalleryMatch> accepted = matches.stream().map(Match::face).toList();
    Decision.Outcome outcome = Decision.decide(analysis.faces().size(), app.settings().allowMultipleFaces(), accepted);
    return new Result(UUID.randomUUID().toString(), now, analysis, outcome, List.copyOf(matches), total);
  }

  /**
   * Saves a search as an API session whose id is the request id: the image, the session with its decision
   * and answer, and (when the application searches API sessions) its largest face, enrolled with source "api".
   */
  public Session saveAsApiSession(Application app, BgrImage uprightImage, Result result, String vendorData,
                                  String answerJson, Credits.Hold hold) {
    String sessionId = result.requestId();
    Session draft = new Session(sessionId, app.id(), 0, SessionType.API, result.outcome().status(), vendorData, null,
        null, null, result.createdAt(), null, answerJson, result.createdAt(), null);
    StoredFace face = result.analysis().hasFace()
        ? storedFace(app, sessionId, result.analysis().largestFace(), FaceSource.API, result.outcome().status(),
            app.settings().searchApiSessions(), result.createdAt())
        : null;
    return persist(app, uprightImage, draft, face, null, answerJson, hold, null);
  }

  /** Enrolls an existing user: a verified session whose largest face becomes searchable. */
  public Session enroll(Application app, BgrImage image, Enrollment e) throws FaceCountException {
    return enroll(app, image, e, false);
  }

  /**
   * As {@link #enroll(Application, BgrImage, Enrollment)}; with {@code rotate} the photo is also tried at 90, 180
   * and 270 degrees (as a search's {@code rotate_image}) and stored upright.
   */
  public Session enroll(Application app, BgrImage image, Enrollment e, boolean rotate) throws FaceCountException {
    Analysis analysis = pipeline.analyze(image, rotate);
    if (!analysis.hasFace()) {
      throw FaceCountException.none();
    }
    if (analysis.faces().size() > 1 && !app.settings().allowMultipleFaces()) {
      throw FaceCountException.several(analysis.faces().size(),
          "the application's settings accept one face per photo (allow_multiple_faces).");
    }
    Instant now = clock.instant();
    String sessionId = UUID.randomUUID().toString();
    Session draft = new Session(sessionId, app.id(), 0, SessionType.ENROLLED, e.status(), e.vendorData(), e.name(),
        e.documentType(), e.documentNumber(), e.verificationDate() == null ? now : e.verificationDate(), null, null, now,
        null);
    BgrImage upright = rotate ? image.rotateClockwise(analysis.bestAngle()) : image;
    return persist(app, upright, draft, storedFace(app, sessionId, analysis.largestFace(), e.source(), e.status(), true, now),
        e.importKey(), null, Credits.Hold.NONE, null);
  }

  /** True when a bulk import already enrolled this key for the application. */
  public boolean imported(Application app, String importKey) {
    return db.read(c -> {
      try (var q = c.prepareStatement("SELECT 1 FROM import_keys WHERE application_id = ? AND import_key = ?")) {
        q.setString(1, app.id());
        q.setString(2, importKey);
        try (var r = q.executeQuery()) {
          return r.next();
        }
      }
    });
  }

  /**
   * Writes the image, then in one transaction the session, its face, the import key, the saved answer
   * (table {@code api_requests}) and the credit charge, then adds the face to the gallery.
   */
  /** More SQL to run in the transaction that stores a session (e.g. a list entry row). */
  @FunctionalInterface
  public interface SqlStep {
    void run(java.sql.Connection c, Session stored) throws java.sql.SQLException;
  }

  /**
   * Enrolls a face uploaded to a face list: a hidden session of type list_entry whose face (source list_entry)
   * is blocklisted or allowlisted; {@code step} records the list entry in the same transaction.
   */
  public Session enrollListEntry(Application app, BgrImage image, boolean blocklist, SqlStep step)
      throws FaceCountException {
    Analysis analysis = pipeline.analyze(image, true);
    if (!analysis.hasFace()) {
      throw FaceCountException.none();
    }
    if (analysis.faces().size() > 1) { // a list entry stands for one person: never guess which
      throw FaceCountException.several(analysis.faces().size(), "upload a photo of the one person to list.");
    }
    BgrImage upright = image.rotateClockwise(analysis.bestAngle());
    Instant now = clock.instant();
    String sessionId = UUID.randomUUID().toString();
    Session draft = new Session(sessionId, app.id(), 0, SessionType.LIST_ENTRY, SessionStatus.APPROVED, null, null, null,
        null, now, null, null, now);
    Face face = analysis.largestFace();
    StoredFace stored = new StoredFace(UUID.randomUUID().toString(), app.id(), sessionId, FaceSource.LIST_ENTRY,
        blocklist, !blocklist, false, true, face.embedding().modelId(), now, face.embedding().vector());
    return persist(app, upright, draft, stored, null, null, Credits.Hold.NONE, step);
  }

  private Session persist(Application app, BgrImage image, Session draft, StoredFace face, String importKey,
                          String savedAnswer, Credits.Hold hold, SqlStep step) {
    String file = images.save(app.id(), draft.id(), image);
    Session withFile = draft.withImageFile(file);
    Session stored;
    try {
      stored = db.inTransaction(c -> {
        Session s = sessions.insert(c, withFile);
        webhooks.enqueue(c, "status.updated", s);
        if (face != null) {
          faces.insert(c, face);
        }
        credits.charge(c, hold, "face-search", s.id());
        if (savedAnswer != null) {
          try (var q = c.prepareStatement("INSERT INTO api_requests (request_id, application_id, session_id, endpoint, "
              + "response_json, created_at) VALUES (?, ?, ?, 'face-search', ?, ?)")) {
            q.setString(1, s.id());
            q.setString(2, app.id());
            q.setString(3, s.id());
            q.setString(4, savedAnswer);
            q.setString(5, s.createdAt().toString());
            q.executeUpdate();
          }
        }
        if (importKey != null) {
          try (var q = c.prepareStatement(
              "INSERT INTO import_keys (application_id, import_key, session_id, created_at) VALUES (?, ?, ?, ?)")) {
            q.setString(1, app.id());
            q.setString(2, importKey);
            q.setString(3, s.id());
            q.setString(4, s.createdAt().toString());
            q.executeUpdate();
          }
        }
        if (step != null) {
          step.run(c, s);
        }
        return s;
      });
    } catch (RuntimeException ex) {
      images.delete(app.id(), draft.id());
      throw ex;
    }
    if (face != null) {
      gallery.add(face);
    }
    return stored;
  }

  private StoredFace storedFace(Application app, String sessionId, Face face, FaceSource source, SessionStatus status,
                                boolean searchable, Instant now) {
    return new StoredFace(UUID.randomUUID().toString(), app.id(), sessionId, source, false, false,
        status == SessionStatus.APPROVED, searchable, face.embedding().modelId(), now, face.embedding().vector());
  }
}
