package io.facesearch.app;

import io.facesearch.accounts.AccountStore;
import io.facesearch.accounts.Registration;
import io.facesearch.api.FaceSearchApp;
import io.facesearch.billing.Credits;
import io.facesearch.billing.OperatorApproval;
import io.facesearch.console.ConsoleRoutes;
import io.facesearch.enrollment.Enrollments;
import io.facesearch.enrollment.ModelMismatchException;
import io.facesearch.enrollment.OutboxDrain;
import io.facesearch.enrollment.Reembedding;
import io.facesearch.gallery.Gallery;
import io.facesearch.gallery.GalleryReconciler;
import io.facesearch.gallery.LuceneGallery;
import io.facesearch.gallery.LuceneGalleryConfig;
import io.facesearch.gallery.solr.SolrGallery;
import io.facesearch.images.ImageStore;
import io.facesearch.images.SignedUrls;
import io.facesearch.lists.FaceLists;
import io.facesearch.mail.Outbox;
import io.facesearch.mail.SmtpMailer;
import io.facesearch.metrics.Metrics;
import io.facesearch.metrics.TimedGallery;
import io.facesearch.pipeline.FacePipeline;
import io.facesearch.search.FaceSearchService;
import io.facesearch.services.Services;
import io.facesearch.sessions.Retention;
import io.facesearch.sessions.SessionReview;
import io.facesearch.store.Database;
import io.facesearch.store.FaceStore;
import io.facesearch.store.Faces;
import io.facesearch.store.GalleryOutbox;
import io.facesearch.store.ImportKeys;
import io.facesearch.store.ListEntries;
import io.facesearch.store.Sessions;
import io.facesearch.store.StoreException;
import io.facesearch.webhooks.SecretBox;
import io.facesearch.webhooks.Webhooks;
import io.javalin.Javalin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.LoggerFactory;

/**
 * The composition root: the one place that builds a facesearch node from its {@link NodeSettings} and one
 * {@link Clock}, for {@code serve} and for every command of the CLI (and the tools). Nothing else opens the
 * database or the gallery or constructs a service.
 *
 * <p>Two stages. {@link #open} opens the data folder's database and builds what needs only the database (accounts,
 * credits, top-ups, mail outbox, registration, webhooks): what the administrative commands use, and which works
 * beside a running server. {@link #services(FacePipeline)} adds the gallery (which a running server holds locked),
 * the images and the search and review services; {@link #httpApp()} the HTTP routes and the console;
 * {@link #startBackgroundJobs()} webhook delivery, retention and the erasure purge.
 */
public final class Node implements AutoCloseable {

  private final NodeSettings settings;
  private final Clock clock;
  private final Database db;
  private final byte[] serverSecret;
  private final Metrics metrics = new Metrics();

  // ---- Built by open(): the database's services ----
  private final AccountStore accounts;
  private final Credits credits;
  private final OperatorApproval topUps;
  private final Outbox outbox;
  private final Registration registration;
  private final Webhooks webhooks;

  // ---- Built on demand ----
  private Services services;
  private Javalin app;
  private ScheduledExecutorService background;
  private OutboxDrain galleryDrain;

  private Node(NodeSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    NodeSettings.Postgres postgres = settings.postgres();
    this.db =
        postgres == null
            ? Database.sqlite(settings.dataDir())
            : Database.postgres(postgres.jdbcUrl(), postgres.user(), postgres.password());
    this.serverSecret = secret(settings.dataDir());
    this.accounts = new AccountStore(db, clock);
    this.credits = new Credits(db, clock);
    this.topUps = new OperatorApproval(db, credits, clock);
    this.outbox =
        new Outbox(db, settings.smtp() == null ? null : new SmtpMailer(settings.smtp()), clock);
    this.registration =
        new Registration(db, outbox, credits, settings.prices().freeCredits(), clock);
    this.webhooks = new Webhooks(db, new SecretBox(serverSecret), clock, metrics);
  }

  /** Opens (or creates) the data folder's database; the gallery is opened by {@link #services}. */
  public static Node open(NodeSettings settings, Clock clock) {
    return new Node(settings, clock);
  }

  public NodeSettings settings() {
    return settings;
  }

  public Clock clock() {
    return clock;
  }

  public AccountStore accounts() {
    return accounts;
  }

  public Credits credits() {
    return credits;
  }

  public OperatorApproval topUps() {
    return topUps;
  }

  public Outbox outbox() {
    return outbox;
  }

  public Registration registration() {
    return registration;
  }

  public Webhooks webhooks() {
    return webhooks;
  }

  /**
   * Every service of the node on {@code pipeline}, built at the first call (the gallery is opened then and checked
   * against the truth); later calls return the same services. The pipeline stays the caller's to close.
   */
  public synchronized Services services(FacePipeline pipeline) {
    return services(pipeline, UnaryOperator.identity());
  }

  /**
   * As {@link #services(FacePipeline)}; {@code galleryAround} wraps the gallery the services write to (a test
   * injects failures with it). Refuses faces of another embedding model ({@link ModelMismatchException}); the gallery
   * outbox left by an earlier run is applied before this returns.
   */
  public synchronized Services services(
      FacePipeline pipeline, UnaryOperator<Gallery> galleryAround) {
    if (services != null) {
      if (services.pipeline() != pipeline) {
        throw new IllegalStateException("this node's services already run on another pipeline");
      }
      return services;
    }
    Faces faceRows = new Faces();
    ModelMismatchException.check(db.read(faceRows::countByModel), pipeline.embeddingModelId());
    FaceStore faces = new FaceStore(db, faceRows);
    Sessions sessions = new Sessions();
    Gallery gallery =
        galleryAround.apply(new TimedGallery(openGallery(faces, settings.gallery()), metrics));
    new GalleryReconciler(gallery, faces)
        .reconcile(); // the writes the index missed (a crash, a failed write)
    pipeline.observe(metrics);
    ImageStore images = new ImageStore(settings.dataDir());
    SignedUrls urls = new SignedUrls(serverSecret, clock);
    Enrollments enrollments = new Enrollments(db, faceRows, new GalleryOutbox(), gallery, clock);
    SessionReview review =
        new SessionReview(db, sessions, faceRows, enrollments, gallery, images, webhooks, clock);
    ListEntries listRows = new ListEntries();
    FaceSearchService search =
        new FaceSearchService(
            pipeline,
            gallery,
            db,
            sessions,
            listRows,
            new ImportKeys(),
            enrollments,
            images,
            credits,
            webhooks,
            clock);
    if (enrollments.drain().failed() > 0) {
      LoggerFactory.getLogger(Node.class)
          .warn("the gallery refused pending changes at start; the background drain retries them");
    }
    FaceLists lists =
        new FaceLists(db, listRows, faceRows, enrollments, search, review, images, clock);
    services =
        new Services(
            pipeline,
            db,
            accounts,
            sessions,
            faces,
            enrollments,
            gallery,
            images,
            urls,
            credits,
            settings.prices(),
            topUps,
            outbox,
            registration,
            review,
            lists,
            webhooks,
            search,
            metrics);
    return services;
  }

  /** The services, which {@link #services(FacePipeline)} must have built. */
  public synchronized Services services() {
    if (services == null) {
      throw new IllegalStateException("services(pipeline) builds the services first");
    }
    return services;
  }

  /** The HTTP service (API and Business Console) on the {@link #services()}, built once and not yet started. */
  public synchronized Javalin httpApp() {
    if (app == null) {
      Services s = services();
      app =
          FaceSearchApp.create(
              s, settings.publicUrl(), settings.limits(), clock, ConsoleRoutes.build(s, clock));
    }
    return app;
  }

  /**
   * Starts the background work on the {@link #services()}: webhook deliveries every second, retention hourly,
   * erasures made physical every minute (two threads, so that a slow purge never delays deliveries).
   */
  public synchronized void startBackgroundJobs() {
    if (background != null) {
      return;
    }
    Services s = services();
    background =
        Executors.newScheduledThreadPool(
            2, Thread.ofPlatform().daemon().name("background-", 0).factory());
    Retention retention = new Retention(s.accounts(), s.review(), clock);
    every(background, "webhook delivery", Duration.ofSeconds(1), s.webhooks()::deliverDue);
    every(background, "retention", Duration.ofHours(1), retention::runOnce);
    // Erasures (API, console, retention) become physical within a minute: WAL truncated, gallery
    // segments rewritten.
    every(background, "erasure purge", Duration.ofMinutes(1), s.review()::purgeErased);
    // Changes saved while the gallery failed reach it here (the request that made them already
    // answered).
    galleryDrain = new OutboxDrain(s.enrollments(), settings.galleryRetry(), Duration.ofMinutes(5));
    galleryDrain.start(background);
  }

  /**
   * {@code reindex}: re-embeds, from their stored images, the faces whose embedding model is not {@code pipeline}'s
   * (each committed on its own, so a stopped run resumes), then rebuilds the gallery from the database (the source of
   * truth): the data folder's Lucene gallery, or the Solr collection when the settings name one. The server must not
   * run (it holds the Lucene gallery); on Solr, no node may run (their writes would interleave with the rebuild).
   */
  public Reembedding.Report reindex(FacePipeline pipeline, boolean removeWithoutImage) {
    Faces faceRows = new Faces();
    FaceStore faces = new FaceStore(db, faceRows);
    try (Gallery gallery = openGallery(faces, LuceneGalleryConfig.defaults())) {
      Enrollments enrollments = new Enrollments(db, faceRows, new GalleryOutbox(), gallery, clock);
      enrollments.drain();
      Reembedding.Report report =
          new Reembedding(
                  db,
                  faceRows,
                  new ListEntries(),
                  new ImageStore(settings.dataDir()),
                  enrollments,
                  pipeline)
              .run(removeWithoutImage);
      gallery.rebuild(faces);
      return report;
    }
  }

  /** The folder of the in-process Lucene gallery (unused when the gallery is on SolrCloud). */
  public Path galleryDir() {
    return settings.dataDir().resolve("gallery");
  }

  /** Where the gallery is, for messages: the Lucene gallery's folder or the Solr collection. */
  public String galleryName() {
    NodeSettings.Solr solr = settings.solr();
    return solr == null
        ? galleryDir().toString()
        : "Solr collection " + solr.collection() + " at " + solr.zkHost();
  }

  /**
   * Opens the gallery of the settings: the SolrCloud collection when {@link NodeSettings#solr()} is set (its
   * configset uploaded and the collection created when missing), else the data folder's Lucene gallery with {@code
   * lucene} (rebuilt from {@code truth} when its index is missing or of another layout). The caller closes it.
   */
  private Gallery openGallery(FaceStore truth, LuceneGalleryConfig lucene) {
    NodeSettings.Solr solr = settings.solr();
    return solr == null
        ? LuceneGallery.open(galleryDir(), truth, lucene)
        : SolrGallery.open(solr.galleryConfig());
  }

  /**
   * Stops the background work (letting a running pass finish: an interrupted gallery merge could close the index's
   * files under it) and the HTTP service, makes pending erasures physical, then closes the gallery and the database.
   * The pipeline belongs to the caller.
   */
  @Override
  public synchronized void close() {
    if (galleryDrain != null) {
      galleryDrain.stop();
    }
    if (background != null) {
      background.shutdown();
      try {
        background.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (app != null) {
      app.stop();
    }
    if (services != null) {
      services.close();
    } else {
      db.close();
    }
  }

  /** Runs {@code task} repeatedly, first after one period; a failed pass is logged and the next one still runs. */
  private static void every(
      ScheduledExecutorService executor, String what, Duration period, Runnable task) {
    executor.scheduleWithFixedDelay(
        () -> {
          try {
            task.run();
          } catch (RuntimeException e) {
            LoggerFactory.getLogger(Node.class).warn("{} pass failed: {}", what, e.getMessage());
          }
        },
        period.toMillis(),
        period.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** The data folder's 32-byte server secret (signs image URLs, encrypts webhook secrets); created at first open. */
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
}
