package io.facesearch.bench;

import io.facesearch.accounts.AccountStore;
import io.facesearch.accounts.Application;
import io.facesearch.api.FaceSearchApp;
import io.facesearch.app.Node;
import io.facesearch.gallery.FaceSource;
import io.facesearch.image.ImageDecoder;
import io.facesearch.image.ImageRejectedException;
import io.facesearch.search.FaceSearchService;
import io.facesearch.services.Services;
import io.facesearch.sessions.SessionStatus;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Load benchmark of {@code POST /v3/face-search/} over real HTTP on loopback against a gallery of N enrolled faces.
 *
 * <ol>
 *   <li>Setup: the default application and an API key; {@code mates} real photos enrolled through
 *       {@link FaceSearchService#enroll} (so that their other photo, among the queries, has a true match); then
 *       synthetic faces up to N ({@link SyntheticFaceSeeder}). A data folder that already has faces is reused as is.
 *   <li>The real HTTP service on {@code 127.0.0.1} and a free port; the HTTP floor: {@code GET /health} on one
 *       client thread.
 *   <li>Per concurrency level: a warm-up, then {@code requests} timed requests ({@link HttpLoadGenerator}).
 *   <li>Optionally, the stage profile of a search in process ({@link SearchStageProfiler}).
 * </ol>
 *
 * <p>The client threads run in the same JVM as the server, on the same cores: the figures include the client's cost.
 */
public final class HttpLoadBenchmark {

  /**
   * What to run.
   *
   * @param faces          gallery size N, the enrolled real photos included
   * @param concurrency    client threads per level
   * @param requests       timed requests per level
   * @param jitWarmup      untimed requests once before the first level, at the highest concurrency, so that the
   *                       JIT compilers are done with the request path before anything is timed
   * @param warmup         untimed requests before each level
   * @param mates          real photos to enroll whose second photo is a query
   * @param photoCount     query photos preloaded and cycled over
   * @param galleryLoad    how synthetic faces reach the gallery
   * @param profileSamples photos of the in-process stage profile (0: no profile)
   * @param seed           seed of the synthetic vectors
   */
  public record Config(
      int faces,
      int[] concurrency,
      int requests,
      int jitWarmup,
      int warmup,
      int mates,
      int photoCount,
      SyntheticFaceSeeder.GalleryLoad galleryLoad,
      int profileSamples,
      long seed) {
    public Config {
      concurrency = concurrency.clone();
      if (faces < mates
          || mates < 0
          || requests < 1
          || jitWarmup < 0
          || warmup < 0
          || photoCount < 1
          || profileSamples < 0) {
        throw new IllegalArgumentException(
            "need faces >= mates >= 0, requests >= 1, warm-ups >= 0, photos >= 1");
      }
      for (int c : concurrency) {
        if (c < 1 || c > 256) {
          throw new IllegalArgumentException("concurrency must be in [1, 256]: " + c);
        }
      }
      if (concurrency.length == 0) {
        throw new IllegalArgumentException("at least one concurrency level");
      }
    }

    /** The levels, a copy. */
    @Override
    public int[] concurrency() {
      return concurrency.clone();
    }
  }

  /**
   * What the setup did.
   *
   * @param reused        the data folder already had faces; nothing was enrolled or seeded
   * @param enrolledReal  real photos enrolled through the pipeline
   * @param enrollNanos   time of those enrollments
   * @param seeding       the synthetic seeding, null when reused
   */
  public record Setup(
      boolean reused, int enrolledReal, long enrollNanos, SyntheticFaceSeeder.Report seeding) {}

  /**
   * The outcome: gallery size, setup, the HTTP floor ({@code GET /health} on one client), one result per level and
   * the optional stage profile (else null).
   */
  public record Result(
      long faces,
      Setup setup,
      HttpLoadGenerator.LevelResult httpFloor,
      List<HttpLoadGenerator.LevelResult> levels,
      SearchStageProfiler.Profile profile) {

    public int errors() {
      int errors = 0;
      for (HttpLoadGenerator.LevelResult level : levels) {
        errors += level.errors();
      }
      return errors;
    }

    /** {@code faces=N c1_p50_ms=.. c1_p99_ms=.. c1_rps=.. ... errors=E}. */
    public String summaryLine() {
      StringBuilder line = new StringBuilder("faces=").append(faces);
      for (HttpLoadGenerator.LevelResult level : levels) {
        String c = "c" + level.concurrency();
        line.append(
            String.format(
                Locale.ROOT,
                " %s_p50_ms=%.1f %s_p99_ms=%.1f %s_rps=%.1f",
                c,
                level.latency().medianMs(),
                c,
                level.latency().percentileMs(99),
                c,
                level.requestsPerSecond()));
      }
      return line.append(" errors=").append(errors()).toString();
    }
  }

  /**
   * Rate limits far above what the benchmark sends (the default of 300 writes a minute per key would answer 429):
   * the limiter keeps a ring of this many times per key, so the limit is not set higher than needed.
   */
  public static final FaceSearchApp.Limits UNTHROTTLED =
      new FaceSearchApp.Limits(60_000, 60_000, 5);

  /** Requests of the GET /health floor (and as many of warm-up). */
  private static final int HTTP_FLOOR_REQUESTS = 200;

  private final Node node;
  private final Services services;
  private final PrintStream out;

  /** On {@code node}, whose services must be built and whose limits should be {@link #UNTHROTTLED}. */
  public HttpLoadBenchmark(Node node, PrintStream out) {
    this.node = node;
    this.services = node.services();
    this.out = out;
  }

  /**
   * What {@link #prepare} leaves for the timed part: the application searched, the key sent, the query photos and
   * the setup. The key is never printed ({@link #toString} leaves it out).
   */
  public record Prepared(
      Application app, String apiKey, BenchPhotos photos, Setup setup, long faces) {
    @Override
    public String toString() {
      return "Prepared[app=" + app.id() + ", faces=" + faces + "]";
    }
  }

  /** The HTTP floor ({@code GET /health} on one client) and one result per concurrency level. */
  public record Levels(
      HttpLoadGenerator.LevelResult httpFloor, List<HttpLoadGenerator.LevelResult> levels) {}

  /** {@link #prepare}, then {@link #run(Config, Prepared)}. */
  public Result run(Config cfg, Path photosDir)
      throws IOException, InterruptedException, ImageRejectedException {
    return run(cfg, prepare(cfg, photosDir));
  }

  /**
   * The default application and an API key of it, the query photos, and the gallery of N faces (enrolled and seeded
   * unless the data folder already has faces).
   */
  public Prepared prepare(Config cfg, Path photosDir) throws IOException {
    ApplicationKey access = applicationKey(services.accounts());
    BenchPhotos photos = BenchPhotos.load(photosDir, cfg.mates(), cfg.photoCount());
    out.printf(
        Locale.ROOT,
        "photos: %d queries from %s (%d people to enroll as mates)%n",
        photos.queries().size(),
        photosDir,
        photos.toEnroll().size());
    Setup setup = prepareGallery(access.app(), photos, cfg);
    long faces = services.gallery().count(access.app().id());
    out.printf(Locale.ROOT, "gallery: %d faces in application %s%n", faces, access.app().id());
    return new Prepared(access.app(), access.key(), photos, setup, faces);
  }

  /** The levels against this node's HTTP service, then the optional in-process stage profile. */
  public Result run(Config cfg, Prepared prepared)
      throws InterruptedException, ImageRejectedException {
    Levels measured;
    Javalin server = node.httpApp().start("127.0.0.1", 0);
    try {
      measured =
          measure(
              out,
              List.of(URI.create("http://127.0.0.1:" + server.port())),
              prepared.apiKey(),
              prepared.photos().queries(),
              cfg);
    } finally {
      server.stop();
    }
    SearchStageProfiler.Profile profile = null;
    if (cfg.profileSamples() > 0) {
      out.printf(
          Locale.ROOT, "stage profile: one thread, in process, %d photos%n", cfg.profileSamples());
      profile =
          new SearchStageProfiler(services)
              .run(
                  prepared.app(),
                  prepared.apiKey(),
                  prepared.photos().queries(),
                  Math.min(20, cfg.profileSamples()),
                  cfg.profileSamples());
      profile.print(out);
    }
    return new Result(
        prepared.faces(), prepared.setup(), measured.httpFloor(), measured.levels(), profile);
  }

  /**
   * The HTTP floor and the timed levels against running services at {@code bases} ({@code http://127.0.0.1:PORT},
   * one or several nodes of one deployment, taken round-robin), with {@code apiKey} and these query photos; prints
   * the floor and the table.
   */
  public static Levels measure(
      PrintStream out, List<URI> bases, String apiKey, List<byte[]> queries, Config cfg)
      throws InterruptedException {
    List<URI> health = bases.stream().map(b -> b.resolve("/health")).toList();
    HttpLoadGenerator.LevelResult httpFloor =
        HttpLoadGenerator.gets(health).run(1, HTTP_FLOOR_REQUESTS, HTTP_FLOOR_REQUESTS);
    LevelTable.printFloor(out, "GET /health", httpFloor);
    List<URI> endpoints = bases.stream().map(b -> b.resolve("/v3/face-search/")).toList();
    HttpLoadGenerator load = HttpLoadGenerator.faceSearches(endpoints, apiKey, queries);
    out.printf(
        Locale.ROOT,
        "face search: %s (client threads in this JVM, rate limits raised to %d/min); %d "
            + "warm-up + %d timed requests per level%n",
        endpoints.size() == 1 ? endpoints.get(0) : endpoints + " round-robin",
        UNTHROTTLED.writesPerMinute(),
        cfg.warmup(),
        cfg.requests());
    if (cfg.jitWarmup() > 0) {
      int busiest = Arrays.stream(cfg.concurrency()).max().orElseThrow();
      HttpLoadGenerator.LevelResult w = load.run(busiest, 0, cfg.jitWarmup());
      out.printf(
          Locale.ROOT,
          "JIT warm-up: %d requests at concurrency %d in %.1f s (%.1f ms JIT CPU per request)%n",
          cfg.jitWarmup(),
          busiest,
          w.wallNanos() / 1e9,
          w.msPerRequest(w.cpu().jit()));
    }
    List<HttpLoadGenerator.LevelResult> levels = new ArrayList<>();
    LevelTable.printHeader(out);
    for (int c : cfg.concurrency()) {
      HttpLoadGenerator.LevelResult r = load.run(c, cfg.warmup(), cfg.requests());
      LevelTable.printRow(out, r);
      levels.add(r);
    }
    return new Levels(httpFloor, List.copyOf(levels));
  }

  private Setup prepareGallery(Application app, BenchPhotos photos, Config cfg) throws IOException {
    long existing = services.faces().count(app.id());
    if (existing > 0) {
      out.printf(
          Locale.ROOT,
          "setup: reusing the data folder's %d faces (nothing enrolled or seeded)%n",
          existing);
      return new Setup(true, 0, 0, null);
    }
    long t0 = System.nanoTime();
    int enrolled = enrollReal(app, photos.toEnroll());
    long enrollNanos = System.nanoTime() - t0;
    out.printf(
        Locale.ROOT,
        "setup: enrolled %d real photos through the pipeline in %.1f s%n",
        enrolled,
        enrollNanos / 1e9);
    SyntheticFaceSeeder.Report seeding =
        new SyntheticFaceSeeder(services)
            .seed(app, cfg.faces() - enrolled, cfg.galleryLoad(), cfg.seed());
    out.printf(
        Locale.ROOT,
        "setup: seeded %d synthetic faces in %.1f s: SQL %.1f s (%.0f faces/s), gallery %s %.1f s%n",
        seeding.faces(),
        seeding.totalSeconds(),
        seeding.sqlNanos() / 1e9,
        seeding.faces() / Math.max(1e-9, seeding.sqlNanos() / 1e9),
        cfg.galleryLoad().name().toLowerCase(Locale.ROOT),
        seeding.galleryNanos() / 1e9);
    return new Setup(false, enrolled, enrollNanos, seeding);
  }

  /** Enrolls each photo's largest face as an Approved session; photos without a usable face are skipped. */
  private int enrollReal(Application app, List<Path> toEnroll) throws IOException {
    ImageDecoder decoder = new ImageDecoder();
    int enrolled = 0;
    for (Path photo : toEnroll) {
      String person = photo.getParent().getFileName().toString();
      try {
        services
            .search()
            .enroll(
                app,
                decoder.decode(Files.readAllBytes(photo)),
                new FaceSearchService.Enrollment(
                    "lfw-" + person,
                    SessionStatus.APPROVED,
                    null,
                    person.replace('_', ' '),
                    null,
                    null,
                    FaceSource.SESSION,
                    null));
        enrolled++;
      } catch (ImageRejectedException | FaceSearchService.FaceCountException e) {
        out.printf(Locale.ROOT, "setup: skipped %s: %s%n", photo.getFileName(), e.getMessage());
      }
    }
    return enrolled;
  }

  /** The application searched and an API key of it. */
  private record ApplicationKey(Application app, String key) {}

  /** The default application with a fresh key (its first key, when the data folder is new). */
  private static ApplicationKey applicationKey(AccountStore accounts) {
    return accounts
        .bootstrapIfEmpty()
        .map(b -> new ApplicationKey(b.application(), b.key().key()))
        .orElseGet(
            () -> {
              Application app = accounts.defaultApplication().orElseThrow();
              return new ApplicationKey(app, accounts.createKey(app.id()).key());
            });
  }
}
