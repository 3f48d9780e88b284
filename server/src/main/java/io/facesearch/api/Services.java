package io.facesearch.api;

import io.facesearch.accounts.AccountStore;
import io.facesearch.billing.Credits;
import io.facesearch.billing.Prices;
import io.facesearch.billing.OperatorApproval;
import io.facesearch.accounts.Registration;
import io.facesearch.mail.Outbox;
import io.facesearch.mail.SmtpMailer;
import io.facesearch.mail.SmtpSettings;
import io.facesearch.gallery.Gallery;
import io.facesearch.gallery.LuceneGallery;
import io.facesearch.gallery.LuceneGalleryConfig;
import io.facesearch.images.ImageStore;
import io.facesearch.images.SignedUrls;
import io.facesearch.pipeline.FacePipeline;
import io.facesearch.search.FaceSearchService;
import io.facesearch.lists.FaceLists;
import io.facesearch.metrics.Metrics;
import io.facesearch.metrics.TimedGallery;
import io.facesearch.webhooks.SecretBox;
import io.facesearch.webhooks.Webhooks;
import io.facesearch.sessions.SessionReview;
import io.facesearch.sessions.SessionStore;
import io.facesearch.store.Database;
import io.facesearch.store.FaceStore;
import io.facesearch.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;

/**
 * Everything one facesearch node runs on, opened from one data folder:
 * <pre>
 *   data/facesearch.db     SQLite: accounts, sessions, faces (with embeddings): the truth
 *   data/gallery/          Lucene HNSW index of the faces, checked against the truth at start
 *   data/images/           face images, upright JPEG, per application
 *   data/secret.key        32 random bytes signing image URLs (created at first start, mode 600)
 * </pre>
 * Mail goes through SMTP when {@code FACESEARCH_SMTP_HOST} is set, else into the outbox.
 */
public record Services(FacePipeline pipeline, Database db, AccountStore accounts, SessionStore sessions,
                       FaceStore faces, Gallery gallery, ImageStore images, SignedUrls urls, Credits credits,
                       Prices prices, OperatorApproval topUps, Outbox outbox, Registration registration,
                       SessionReview review, FaceLists lists, Webhooks webhooks, FaceSearchService search,
                       Metrics metrics)
    implements AutoCloseable {

  public static Services open(Path dataDir, FacePipeline pipeline, Clock clock) {
    return open(dataDir, pipeline, clock, Prices.DEFAULTS);
  }

  public static Services open(Path dataDir, FacePipeline pipeline, Clock clock, Prices prices) {
    return open(dataDir, pipeline, clock, prices, SmtpSettings.fromEnvironment());
  }

  /** {@code smtp} null: no SMTP, mail goes to the outbox. */
  public static Services open(Path dataDir, FacePipeline pipeline, Clock clock, Prices prices, SmtpSettings smtp) {
    return open(dataDir, pipeline, clock, prices, smtp, LuceneGalleryConfig.defaults());
  }

  public static Services open(Path dataDir, FacePipeline pipeline, Clock clock, Prices prices, SmtpSettings smtp,
      LuceneGalleryConfig galleryConfig) {
    Database db = Database.sqlite(dataDir);
    FaceStore faces = new FaceStore(db);
    SessionStore sessions = new SessionStore();
    Metrics metrics = new Metrics();
    Gallery gallery = new TimedGallery(LuceneGallery.open(dataDir.resolve("gallery"), faces, galleryConfig), metrics);
    pipeline.observe(metrics);
    ImageStore images = new ImageStore(dataDir);
    byte[] serverSecret = secret(dataDir);
    SignedUrls urls = new SignedUrls(serverSecret, clock);
    Webhooks webhooks = new Webhooks(db, new SecretBox(serverSecret), clock, metrics);
    Credits credits = new Credits(db, clock);
    SessionReview review = new SessionReview(db, sessions, faces, gallery, images, webhooks, clock);
    FaceSearchService search = new FaceSearchService(pipeline, gallery, db, sessions, faces, images, credits, webhooks,
        clock);
    Outbox outbox = new Outbox(db, smtp == null ? null : new SmtpMailer(smtp), clock);
    return new Services(pipeline, db, new AccountStore(db, clock), sessions, faces, gallery, images, urls, credits,
        prices, new OperatorApproval(db, credits, clock), outbox,
        new Registration(db, outbox, credits, prices.freeCredits(), clock),
        review, new FaceLists(db, search, review, clock), webhooks, search, metrics);
  }

  private static byte[] secret(Path dataDir) {
    Path file = dataDir.resolve("secret.key");
    try {
      if (!Files.exists(file)) {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        Path tmp = Files.createTempFile(dataDir, "secret", ".tmp");
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
          // best effort on non-POSIX file systems
        }
        Files.write(tmp, fresh);
        Files.move(tmp, file);
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new StoreException("cannot read or create " + file, e);
    }
  }

  /**
   * Makes pending erasures physical, then closes the gallery and the database connections (the pipeline belongs
   * to the caller).
   */
  @Override
  public void close() {
    pipeline.unobserve(metrics);
    try {
      review.purgeErased();
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(Services.class).warn("erasure purge at close failed: {}", e.getMessage());
    }
    gallery.close();
    db.close();
  }
}
