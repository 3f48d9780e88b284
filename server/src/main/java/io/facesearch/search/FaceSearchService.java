package io.facesearch.search;

import io.facesearch.accounts.Application;
import io.facesearch.billing.Credits;
import io.facesearch.gallery.FaceSource;
import io.facesearch.gallery.Gallery;
import io.facesearch.gallery.GalleryMatch;
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

  /** One match with the matched session. */
  public record Match(GalleryMatch face, Session session, double percentage) {}

  /** The outcome of one search, before anything is saved. */
  public record Result(String requestId, Instant createdAt, Analysis analysis, Decision.Outcome outcome,
                       List<Match> matches, int totalMatches, MatchThreshold threshold) {}

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
  private final GallerySearch gallerySearch;
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
    this.gallerySearch = new GallerySearch(gallery);
    this.db = db;
    this.sessions = sessions;
    this.faces = faces;
    this.images = images;
    this.clock = clock;
  }

  /**
   * Analyses the photo, searches the application's candidates, blocklist and allowlist (see {@link GallerySearch})
   * and decides; stores nothing. The answer lists the best {@value #MAX_MATCHES} matches, and also the blocklisted
   * or allowlisted match that decided when it ranks lower.
   */
  public Result search(Application app, BgrImage image, SearchType type, boolean rotate) {
    Instant now = clock.instant();
    Analysis analysis = pipeline.analyze(image, rotate);
    List<Match> matches = new ArrayList<>();
    List<GalleryMatch> reported = new ArrayList<>();
    int total = 0;
    MatchThreshold threshold;
    if (analysis.hasFace()) {
      GallerySearch.Found found = gallerySearch.search(app.id(), app.settings(), type,
          analysis.largestFace().embedding());
      threshold = found.threshold();
      Map<String, Session> bySession = found.matches().isEmpty() ? Map.of() : db.withReadConnection(c -> sessions.findAll(c, app.id(),
          found.matches().stream().map(GalleryMatch::sessionId).distinct().toList()));
      boolean blocklistShown = false;
      boolean allowlistShown = false;
      for (GalleryMatch m : found.matches()) {
        Session s = bySession.get(m.sessionId());
        if (s == null) { // a session erased since the search started is not reported
          continue;
        }
        total++;
        reported.add(m);
        boolean decides = (m.blocklisted() && !blocklistShown) || (m.allowlisted() && !allowlistShown);
        if (matches.size() < MAX_MATCHES || decides) {
          matches.add(new Match(m, s, SimilarityScale.rounded(m.similarity())));
          blocklistShown |= m.blocklisted();
          allowlistShown |= m.allowlisted();
        }
      }
    } else {
      threshold = gallerySearch.threshold(app.id(), app.settings(), type);
    }
    Decision.Outcome outcome = Decision.decide(analysis.faces().size(), app.settings().allowMultipleFaces(), reported);
    return new Result(UUID.randomUUID().toString(), now, analysis, outcome, List.copyOf(matches), total, threshold);
  }

  /**
   * Saves a search as an API session whose id is the request id: the image, the session with its decision
   * and answer, and its largest face with source "api" (a candidate of later searches only while the
   * application's search_api_sessions is on).
   */
  public Session saveAsApiSession(Application app, BgrImage uprightImage, Result result, String vendorData,
                                  String answerJson, Credits.Hold hold) {
    String sessionId = result.requestId();
    Session draft = new Session(sessionId, app.id(), 0, SessionType.API, result.outcome().status(), vendorData, null,
        null, null, result.createdAt(), null, answerJson, result.createdAt(), null);
    StoredFace face = result.analysis().hasFace()
        ? storedFace(app, sessionId, result.analysis().largestFace(), FaceSource.API, result.outcome().status(),
            true, result.createdAt()) // searched only while the application's search_api_sessions is on
        : null;
    return persist(app, uprightImage, draft, face, null, answerJson, hold, null, "face-search");
  }

  /**
   * Saves a companion call ({@code endpoint}: face-match, passive-liveness, age-estimation) as an API session whose
   * id is its request id, with its answer and image, charged in the same transaction. {@code enroll} (may be null)
   * is the face to enroll, searchable, with source "session": Didit grows the face search gallery from saved passive
   * liveness calls.
   */
  public Session saveCompanionCall(Application app, BgrImage uprightImage, String requestId, Instant createdAt,
                                   SessionStatus status, String vendorData, String answerJson, Face enroll,
                                   Credits.Hold hold, String endpoint) {
    Session draft = new Session(requestId, app.id(), 0, SessionType.API, status, vendorData, null, null, null,
        createdAt, null, answerJson, createdAt, null);
    StoredFace face = enroll == null ? null
        : storedFace(app, requestId, enroll, FaceSource.SESSION, status, true, createdAt);
    return persist(app, uprightImage, draft, face, null, answerJson, hold, null, endpoint);
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
        e.importKey(), null, Credits.Hold.NONE, null, "face-search");
  }

  /** True when a bulk import already enrolled this key for the application. */
  public boolean imported(Application app, String importKey) {
    return db.withReadConnection(c -> {
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
    return persist(app, upright, draft, stored, null, null, Credits.Hold.NONE, step, "face-search");
  }

  /**
   * Puts a copy of a stored face (an enrolled session's) into a face list: a hidden list_entry session without an
   * image, whose face is blocklisted or allowlisted; {@code step} records the list entry in the same transaction.
   * Empty when the session has no face.
   */
  public java.util.Optional<Session> enrollListEntryFrom(Application app, String sourceSessionId, boolean blocklist,
                                                         SqlStep step) {
    List<String> faceIds = db.withReadConnection(c -> faces.ofSession(c, sourceSessionId).stream()
        .map(io.facesearch.gallery.FaceState::faceId).toList());
    List<StoredFace> found = new ArrayList<>();
    faces.forEachFace(faceIds, found::add);
    if (found.isEmpty() || !found.getFirst().applicationId().equals(app.id())) {
      return java.util.Optional.empty();
    }
    StoredFace source = found.getFirst();
    Instant now = clock.instant();
    String sessionId = UUID.randomUUID().toString();
    Session draft = new Session(sessionId, app.id(), 0, SessionType.LIST_ENTRY, SessionStatus.APPROVED, null, null, null,
        null, now, null, null, now);
    StoredFace stored = new StoredFace(UUID.randomUUID().toString(), app.id(), sessionId, FaceSource.LIST_ENTRY,
        blocklist, !blocklist, false, true, source.modelId(), now, source.embedding().clone());
    return java.util.Optional.of(persist(app, null, draft, stored, null, null, Credits.Hold.NONE, step, "face-search"));
  }

  private Session persist(Application app, BgrImage image, Session draft, StoredFace face, String importKey,
                          String savedAnswer, Credits.Hold hold, SqlStep step, String endpoint) {
    String file = image == null ? null : images.save(app.id(), draft.id(), image); // null: a copied list entry
    Session withFile = draft.withImageFile(file);
    Session stored;
    try {
      stored = db.withConnectionInTransaction(c -> {
        Session s = sessions.insert(c, withFile);
        webhooks.enqueue(c, "status.updated", s);
        if (face != null) {
          faces.insert(c, face);
        }
        credits.charge(c, hold, endpoint, s.id());
        if (savedAnswer != null) {
          try (var q = c.prepareStatement("INSERT INTO api_requests (request_id, application_id, session_id, endpoint, "
              + "response_json, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            q.setString(1, s.id());
            q.setString(2, app.id());
            q.setString(3, s.id());
            q.setString(4, endpoint);
            q.setString(5, savedAnswer);
            q.setString(6, s.createdAt().toString());
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
