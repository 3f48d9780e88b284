package io.facesearch.services;

import io.facesearch.accounts.AccountStore;
import io.facesearch.accounts.Registration;
import io.facesearch.billing.Credits;
import io.facesearch.billing.OperatorApproval;
import io.facesearch.billing.Prices;
import io.facesearch.enrollment.Enrollments;
import io.facesearch.gallery.Gallery;
import io.facesearch.images.ImageStore;
import io.facesearch.images.SignedUrls;
import io.facesearch.lists.FaceLists;
import io.facesearch.mail.Outbox;
import io.facesearch.metrics.Metrics;
import io.facesearch.pipeline.FacePipeline;
import io.facesearch.search.FaceSearchService;
import io.facesearch.sessions.SessionReview;
import io.facesearch.store.Database;
import io.facesearch.store.FaceStore;
import io.facesearch.store.Sessions;
import io.facesearch.webhooks.Webhooks;

/**
 * The services one facesearch node runs on, built by the composition root ({@code io.facesearch.app.Node}) from one
 * data folder:
 * <pre>
 *   data/facesearch.db     SQLite: accounts, sessions, faces (with embeddings): the truth
 *   data/gallery/          Lucene index of the faces (sketch scan), reconciled with the truth at start
 *   data/images/           face images, upright JPEG, per application
 *   data/secret.key        32 random bytes signing image URLs (created at first start, mode 600)
 * (with the truth in PostgreSQL, the images and the secret are in the database instead: every node reads them)
 * </pre>
 * Mail goes through SMTP when {@code FACESEARCH_SMTP_HOST} is set, else into the outbox.
 */
public record Services(
    FacePipeline pipeline,
    Database db,
    AccountStore accounts,
    Sessions sessions,
    FaceStore faces,
    Enrollments enrollments,
    Gallery gallery,
    ImageStore images,
    SignedUrls urls,
    Credits credits,
    Prices prices,
    OperatorApproval topUps,
    Outbox outbox,
    Registration registration,
    SessionReview review,
    FaceLists lists,
    Webhooks webhooks,
    FaceSearchService search,
    Metrics metrics)
    implements AutoCloseable {

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
      org.slf4j.LoggerFactory.getLogger(Services.class)
          .warn("erasure purge at close failed: {}", e.getMessage());
    }
    gallery.close();
    db.close();
  }
}
