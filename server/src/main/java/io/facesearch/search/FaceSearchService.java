package io.facesearch.search;

import io.facesearch.accounts.Application;
import io.facesearch.billing.Credits;
import io.facesearch.enrollment.Enrollments;
import io.facesearch.gallery.FaceSource;
import io.facesearch.gallery.Gallery;
import io.facesearch.gallery.GalleryMatch;
import io.facesearch.gallery.StoredFace;
import io.facesearch.image.BgrImage;
import io.facesearch.images.ImageStore;
import io.facesearch.images.Jpeg;
import io.facesearch.pipeline.Analysis;
import io.facesearch.pipeline.Face;
import io.facesearch.pipeline.FacePipeline;
import io.facesearch.sessions.DecisionDocument;
import io.facesearch.sessions.Session;
import io.facesearch.sessions.SessionStatus;
import io.facesearch.sessions.SessionType;
import io.facesearch.store.Database;
import io.facesearch.store.ImportKeys;
import io.facesearch.store.ListEntries;
import io.facesearch.store.Sessions;
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
 * <p>Write order: the image file, then one SQL transaction (session with its saved answer, face with its embedding,
 * charge), then the gallery, through the enrollment owner ({@link Enrollments}): the face is searchable once the
 * gallery has applied it, which a failing gallery delays without failing the call.
 */
public final class FaceSearchService {

  /** Matches returned at most. */
  public static final int MAX_MATCHES = 5;

  /**
   * One match with what holds the matched face: a session, or ({@code session} null) a face-list entry, whose id
   * the match reports in place of a session's.
   */
  public record Match(
      GalleryMatch face, Session session, ListEntries.Listed entry, double percentage) {}

  /** The outcome of one search, before anything is saved. */
  public record Result(
      String requestId,
      Instant createdAt,
      Analysis analysis,
      Decision.Outcome outcome,
      List<Match> matches,
      int totalMatches,
      MatchThreshold threshold) {}

  /**
   * A session to enroll through {@link #enroll}. {@code importKey}, when not null, is recorded in
   * {@code import_keys} in the same transaction, so a resumed bulk import knows exactly what is done.
   */
  public record Enrollment(
      String vendorData,
      SessionStatus status,
      Instant verificationDate,
      String name,
      String documentType,
      String documentNumber,
      FaceSource source,
      String importKey) {}

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
      return new FaceCountException(
          faces, "More than one face was detected in the image (" + faces + "); " + advice);
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
  private final Sessions sessions;
  private final ListEntries listEntries;
  private final ImportKeys importKeys;
  private final Enrollments enrollments;
  private final ImageStore images;
  private final Credits credits;
  private final Webhooks webhooks;
  private final Clock clock;

  public FaceSearchService(
      FacePipeline pipeline,
      Gallery gallery,
      Database db,
      Sessions sessions,
      ListEntries listEntries,
      ImportKeys importKeys,
      Enrollments enrollments,
      ImageStore images,
      Credits credits,
      Webhooks webhooks,
      Clock clock) {
    this.credits = credits;
    this.webhooks = webhooks;
    this.pipeline = pipeline;
    this.gallery = gallery;
    this.gallerySearch = new GallerySearch(gallery);
    this.db = db;
    this.sessions = sessions;
    this.listEntries = listEntries;
    this.importKeys = importKeys;
    this.enrollments = enrollments;
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
      GallerySearch.Found found =
          gallerySearch.search(app.id(), app.settings(), type, analysis.largestFace().embedding());
      threshold = found.threshold();
      List<String> owners =
          found.matches().stream()
              .filter(m -> m.source() != FaceSource.LIST_ENTRY)
              .map(GalleryMatch::ownerId)
              .distinct()
              .toList();
      List<String> entries =
          found.matches().stream()
              .filter(m -> m.source() == FaceSource.LIST_ENTRY)
              .map(GalleryMatch::ownerId)
              .distinct()
              .toList();
      Map<String, Session> bySession =
          owners.isEmpty()
              ? Map.of()
              : db.read(tx -> Session.findAll(sessions, tx, app.id(), owners));
      Map<String, ListEntries.Listed> byEntry =
          entries.isEmpty() ? Map.of() : db.read(tx -> listEntries.findAll(tx, app.id(), entries));
      boolean blocklistShown = false;
      boolean allowlistShown = false;
      for (GalleryMatch m : found.matches()) {
        Session s = bySession.get(m.ownerId());
        ListEntries.Listed e = byEntry.get(m.ownerId());
        if (s == null && e == null) { // erased since the search started: not reported
          continue;
        }
        total++;
        reported.add(m);
        boolean decides =
            (m.blocklisted() && !blocklistShown) || (m.allowlisted() && !allowlistShown);
        if (matches.size() < MAX_MATCHES || decides) {
          matches.add(new Match(m, s, e, SimilarityScale.rounded(m.similarity())));
          blocklistShown |= m.blocklisted();
          allowlistShown |= m.allowlisted();
        }
      }
    } else {
      threshold = gallerySearch.threshold(app.id(), app.settings(), type);
    }
    Decision.Outcome outcome =
        Decision.decide(analysis.faces().size(), app.settings().allowMultipleFaces(), reported);
    return new Result(
        UUID.randomUUID().toString(),
        now,
        analysis,
        outcome,
        List.copyOf(matches),
        total,
        threshold);
  }

  /**
   * Saves a search as an API session whose id is the request id: the image, the session with its decision
   * and answer, and its largest face with source "api" (a candidate of later searches only while the
   * application's search_api_sessions is on).
   */
  public Session saveAsApiSession(
      Application app,
      BgrImage uprightImage,
      Result result,
      String vendorData,
      String answerJson,
      Credits.Hold hold) {
    String sessionId = result.requestId();
    Session draft =
        new Session(
            sessionId,
            app.id(),
            0,
            SessionType.API,
            result.outcome().status(),
            vendorData,
            null,
            null,
            null,
            result.createdAt(),
            null,
            answerJson,
            result.createdAt(),
            null);
    StoredFace face =
        result.analysis().hasFace()
            ? storedFace(
                app,
                sessionId,
                result.analysis().largestFace(),
                FaceSource.API,
                result.outcome().status(),
                true,
                result
                    .createdAt()) // searched only while the application's search_api_sessions is on
            : null;
    return persist(app, uprightImage, draft, face, null, hold, "face-search");
  }

  /**
   * Saves a companion call ({@code endpoint}: face-match, passive-liveness, age-estimation) as an API session whose
   * id is its request id, with its answer and image, charged in the same transaction. {@code enroll} (may be null)
   * is the face to enroll, searchable, with source "session": Didit grows the face search gallery from saved passive
   * liveness calls.
   */
  public Session saveCompanionCall(
      Application app,
      BgrImage uprightImage,
      String requestId,
      Instant createdAt,
      SessionStatus status,
      String vendorData,
      String answerJson,
      Face enroll,
      Credits.Hold hold,
      String endpoint) {
    Session draft =
        new Session(
            requestId,
            app.id(),
            0,
            SessionType.API,
            status,
            vendorData,
            null,
            null,
            null,
            createdAt,
            null,
            answerJson,
            createdAt,
            null);
    StoredFace face =
        enroll == null
            ? null
            : storedFace(app, requestId, enroll, FaceSource.SESSION, status, true, createdAt);
    return persist(app, uprightImage, draft, face, null, hold, endpoint);
  }

  /** Enrolls an existing user: a verified session whose largest face becomes searchable. */
  public Session enroll(Application app, BgrImage image, Enrollment e) throws FaceCountException {
    return enroll(app, image, e, false);
  }

  /**
   * As {@link #enroll(Application, BgrImage, Enrollment)}; with {@code rotate} the photo is also tried at 90, 180
   * and 270 degrees (as a search's {@code rotate_image}) and stored upright.
   */
  public Session enroll(Application app, BgrImage image, Enrollment e, boolean rotate)
      throws FaceCountException {
    Analysis analysis = pipeline.analyze(image, rotate);
    if (!analysis.hasFace()) {
      throw FaceCountException.none();
    }
    if (analysis.faces().size() > 1 && !app.settings().allowMultipleFaces()) {
      throw FaceCountException.several(
          analysis.faces().size(),
          "the application's settings accept one face per photo (allow_multiple_faces).");
    }
    Instant now = clock.instant();
    String sessionId = UUID.randomUUID().toString();
    Session draft =
        new Session(
            sessionId,
            app.id(),
            0,
            SessionType.ENROLLED,
            e.status(),
            e.vendorData(),
            e.name(),
            e.documentType(),
            e.documentNumber(),
            e.verificationDate() == null ? now : e.verificationDate(),
            null,
            null,
            now,
            null);
    BgrImage upright = rotate ? image.rotateClockwise(analysis.bestAngle()) : image;
    return persist(
        app,
        upright,
        draft,
        storedFace(app, sessionId, analysis.largestFace(), e.source(), e.status(), true, now),
        e.importKey(),
        Credits.Hold.NONE,
        "face-search");
  }

  /** True when a bulk import already enrolled this key for the application. */
  public boolean imported(Application app, String importKey) {
    return db.read(tx -> importKeys.contains(tx, app.id(), importKey));
  }

  /** A face for a face list: the photo turned upright and its one face. */
  public record ListFace(BgrImage upright, Face face) {}

  /**
   * Finds the one face of a photo uploaded to a face list (tried at every right angle); a list entry stands for one
   * person, so a photo with several faces is refused rather than guessed from.
   */
  public ListFace listFace(BgrImage image) throws FaceCountException {
    Analysis analysis = pipeline.analyze(image, true);
    if (!analysis.hasFace()) {
      throw FaceCountException.none();
    }
    if (analysis.faces().size() > 1) {
      throw FaceCountException.several(
          analysis.faces().size(), "upload a photo of the one person to list.");
    }
    return new ListFace(image.rotateClockwise(analysis.bestAngle()), analysis.largestFace());
  }

  /**
   * Writes in one transaction the image ({@link ImageStore#save}), the session, its webhook event, its face (through
   * the enrollment owner, which then brings the gallery in step), the credit charge and the import key.
   */
  private Session persist(
      Application app,
      BgrImage image,
      Session draft,
      StoredFace face,
      String importKey,
      Credits.Hold hold,
      String endpoint) {
    byte[] jpeg = image == null ? null : Jpeg.encode(image); // outside the transaction: CPU only
    return enrollments.inTransaction(
        tx -> {
          Session withFile =
              draft.withImageFile(
                  jpeg == null ? null : images.save(tx, app.id(), draft.id(), jpeg));
          sessions.insert(tx, withFile.row());
          // as stored (times at the store's precision), so the answer, the webhook and later
          // reads agree
          Session s = Session.of(sessions.find(tx, app.id(), withFile.id()).orElseThrow());
          webhooks.enqueue(tx, DecisionDocument.webhookEvent("status.updated", s));
          credits.charge(tx, hold, endpoint, s.id());
          if (face != null) {
            enrollments.enroll(tx, face);
          }
          if (importKey != null) {
            importKeys.record(tx, app.id(), importKey, s.id(), s.createdAt());
          }
          return s;
        });
  }

  private StoredFace storedFace(
      Application app,
      String sessionId,
      Face face,
      FaceSource source,
      SessionStatus status,
      boolean searchable,
      Instant now) {
    return new StoredFace(
        UUID.randomUUID().toString(),
        app.id(),
        sessionId,
        source,
        false,
        false,
        status == SessionStatus.APPROVED,
        searchable,
        face.embedding().modelId(),
        now,
        face.embedding().vector());
  }
}
