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
import io.facesearch.gallery.solr.SolrGalleryConfig;
import io.facesearch.images.DatabaseImageStore;
import io.facesearch.images.FileImageStore;
import io.facesearch.images.ImageStore;
import io.facesearch.images.SignedUrls;
import io.facesearch.lists.FaceLists;
import io.facesearch.mail.Outbox;
import io.facesearch.mail.SmtpMailer;
import io.facesearch.metrics.Metrics;
import io.facesearch.metrics.TimedGallery;
import io.facesearch.pipeline.FacePipeline;
import io.facesearch.ratelimit.RateLimits;
import io.facesearch.search.FaceSearchService;
import io.facesearch.services.Services;
import io.facesearch.sessions.Retention;
import io.facesearch.sessions.SessionReview;
import io.facesearch.store.Database;
import io.facesearch.store.ErasurePurges;
import io.facesearch.store.FaceImages;
import io.facesearch.store.FaceStore;
import io.facesearch.store.Faces;
import io.facesearch.store.GalleryOutbox;
import io.facesearch.store.ImportKeys;
import io.facesearch.store.ListEntries;
import io.facesearch.store.NodeId;
import io.facesearch.store.ServerSecrets;
import io.facesearch.store.Sessions;
import io.facesearch.store.SharedBuckets;
import io.facesearch.store.SingletonJob;
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
import org.slf4j.Logger;
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

  private static final Logger log = LoggerFactory.getLogger(Node.class);

  private final NodeSettings settings;
  private final Clock clock;
  private final Database db;
  private final byte[] serverSecret;
  private final Metrics metrics = new Metrics();

  /**
   * This node's id in claims on shared queues (webhook deliveries, the gallery outbox): random at each start, so a
   * restarted node never takes the claims of its earlier life for its own.
   */
  private final NodeId nodeId = NodeId.random();

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
    this.serverSecret =
        postgres == null
            ? secret(settings.dataDir())
            : db.inTransaction(
                tx -> new ServerSecrets().createOrRead(tx, freshSecret(), clock.instant()));
    this.accounts = new AccountStore(db, clock);
    this.credits = new Credits(db, clock);
    this.topUps = new OperatorApproval(db, credits, clock);
    this.outbox =
        new Outbox(
            db, settings.smtp() == null ? null : new SmtpMailer(settings.smtp()), clock, nodeId);
    this.registration =
        new Registration(db, outbox, credits, settings.prices().freeCredits(), clock);
    this.webhooks = new Webhooks(db, new SecretBox(serverSecret), clock, metrics, nodeId);
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
    ImageStore images = imageStore();
    SignedUrls urls = new SignedUrls(serverSecret, clock);
    Enrollments enrollments =
        new Enrollments(db, faceRows, new GalleryOutbox(), gallery, clock, nodeId);
    SessionReview review =
        new SessionReview(
            db,
            sessions,
            faceRows,
            enrollments,
            gallery,
            images,
            new ErasurePurges(),
            webhooks,
            clock);
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
    if (enrollments.drainAll().failed() > 0) {
      log.warn("the gallery refused pending changes at start; the background drain retries them");
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
              s,
              settings.publicUrl(),
              settings.limits(),
              rateLimits(),
              clock,
              ConsoleRoutes.build(s, clock));
    }
    return app;
  }

  /**
   * Where the request limits count: in this process for the embedded node, in PostgreSQL (shared by every node)
   * when the truth is there.
   */
  private RateLimits rateLimits() {
    return settings.postgres() == null ? RateLimits.inMemory(clock) : SharedBuckets.on(db, clock);
  }

  /**
   * Starts the background work on the {@link #services()}: webhook deliveries every second, mail that SMTP refused
   * again every 30 seconds, retention hourly,
   * erasures made physical every minute (two threads, so that a slow purge never delays deliveries).
   *
   * <p>Safe with several nodes on one database: deliveries and the gallery outbox are claimed row by row with a
   * lease under this node's id ({@link Webhooks#deliverDue}, {@link Outbox#retryDue}, {@link Enrollments#drain}); a retention pass and an
   * erasure purge run on one node at a time ({@link Database#runAlone}).
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
    every(background, "mail retry", Duration.ofSeconds(30), s.outbox()::retryDue);
    every(
        background,
        "retention",
        Duration.ofHours(1),
        () -> db.runAlone(SingletonJob.RETENTION, retention::runOnce));
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
      Enrollments enrollments =
          new Enrollments(db, faceRows, new GalleryOutbox(), gallery, clock, nodeId);
      enrollments.drainAll();
      Reembedding.Report report =
          new Reembedding(db, faceRows, new ListEntries(), imageStore(), enrollments, pipeline)
              .run(removeWithoutImage);
      gallery.rebuild(faces);
      return report;
    }
  }

  /**
   * Where this node keeps face images: with the truth in PostgreSQL, in the database, where every node reads them;
   * otherwise files in the data folder.
   */
  private ImageStore imageStore() {
    return settings.postgres() == null
        ? new FileImageStore(settings.dataDir())
        : new DatabaseImageStore(db, new FaceImages(), clock);
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
   * lucene} (which rebuilds itself from {@code truth} when its index is missing or of another layout). A collection
   * that holds nothing (new or emptied) is rebuilt from {@code truth} here, in batches with one commit, where the
   * reconciler would add face by face, each with a commit on every replica (hours for 100,000 faces). The caller
   * closes the gallery.
   */
  private Gallery openGallery(FaceStore truth, LuceneGalleryConfig lucene) {
    NodeSettings.Solr solr = settings.solr();
    if (solr == null) {
      return LuceneGallery.open(galleryDir(), truth, lucene);
    }
    SolrGallery gallery = SolrGallery.open(solr.galleryConfig());
    try {
      if (gallery.isEmpty()) {
        gallery.rebuild(truth);
      }
      SolrGalleryConfig.configsetWarning(solr.collection(), gallery.configset())
          .ifPresent(warning -> log.warn(warning));
      SolrGalleryConfig.shardSizeWarning(gallery.size(), gallery.shards())
          .ifPresent(warning -> log.warn(warning));
      return gallery;
    } catch (RuntimeException e) {
      gallery.close();
      throw e;
    }
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
            log.warn("{} pass failed: {}", what, e.getMessage());
          }
        },
        period.toMillis(),
        period.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** 32 random bytes: a candidate server secret. */
  private static byte[] freshSecret() {
    byte[] fresh = new byte[32];
    new SecureRandom().nextBytes(fresh);
    return fresh;
  }

  /**
   * The data folder's 32-byte server secret (signs image URLs, encrypts webhook secrets); created at first open. In
   * cluster mode the secret is the database's instead ({@link ServerSecrets}), the same for every node.
   */
  private static byte[] secret(Path dataDir) {
    Path file = dataDir.resolve("secret.key");
    try {
      if (!Files.exists(file)) {
        Files.createDirectories(dataDir);
        byte[] fresh = freshSecret();
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
