package io.facesearch.api;

import io.facesearch.app.Node;
import io.facesearch.app.NodeSettings;
import io.facesearch.billing.Prices;
import io.facesearch.gallery.Gallery;
import io.facesearch.gallery.LuceneGalleryConfig;
import io.facesearch.mail.SmtpSettings;
import io.facesearch.pipeline.SharedPipeline;
import io.facesearch.services.Services;
import io.facesearch.store.Dialect;
import io.facesearch.testing.TestPostgres;
import io.facesearch.testing.TestSolr;
import io.javalin.Javalin;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.UnaryOperator;

/** The real service on a random loopback port with a fresh data folder, as `facesearch serve` runs it. */
final class TestServer implements AutoCloseable {

  final Path data;
  final Node node;
  final Services services;
  final Javalin app;

  /** The default application's API key (what first start prints). */
  final String apiKey;

  /** The gallery's Solr collection, or null for the data folder's Lucene gallery. */
  final NodeSettings.Solr solr;

  /** Whether this server made {@link #solr} (and drops it when it closes). */
  private final boolean ownsSolr;

  TestServer(Clock clock) {
    this(newDataFolder(), clock, null);
  }

  /**
   * A fresh server whose truth is on {@code dialect}: SQLite in the data folder with the in-process gallery, or a new
   * database on the test PostgreSQL ({@link TestPostgres}) with the gallery in a new collection of the test SolrCloud
   * ({@link TestSolr}), as cluster mode runs (each skipped, or failed under CI, when missing). Face images stay in
   * the data folder on both.
   */
  TestServer(Clock clock, Dialect dialect) {
    this(
        newDataFolder(),
        clock,
        null,
        Prices.DEFAULTS,
        null,
        FaceSearchApp.Limits.DEFAULTS,
        UnaryOperator.identity(),
        dialect == Dialect.POSTGRESQL
            ? new NodeSettings.Postgres(TestPostgres.database(), "facesearch", "")
            : null);
  }

  TestServer(Dialect dialect) {
    this(Clock.systemUTC(), dialect);
  }

  /** A server on an existing data folder, as after a restart; {@code apiKey} is the key the first start made. */
  TestServer(Path data, Clock clock, String apiKey) {
    this(data, clock, apiKey, Prices.DEFAULTS, null, FaceSearchApp.Limits.DEFAULTS);
  }

  TestServer(
      Path data,
      Clock clock,
      String apiKey,
      Prices prices,
      SmtpSettings smtp,
      FaceSearchApp.Limits limits) {
    this(data, clock, apiKey, prices, smtp, limits, UnaryOperator.identity(), null);
  }

  /** A server whose services write to {@code galleryAround} of the real gallery (e.g. one that fails on demand). */
  TestServer(Path data, String apiKey, UnaryOperator<Gallery> galleryAround) {
    this(
        data == null ? newDataFolder() : data,
        Clock.systemUTC(),
        apiKey,
        Prices.DEFAULTS,
        null,
        FaceSearchApp.Limits.DEFAULTS,
        galleryAround,
        null);
  }

  private TestServer(
      Path data,
      Clock clock,
      String apiKey,
      Prices prices,
      SmtpSettings smtp,
      FaceSearchApp.Limits limits,
      UnaryOperator<Gallery> galleryAround,
      NodeSettings.Postgres postgres) {
    // A PostgreSQL truth goes with a Solr gallery, as in cluster mode (serve refuses Solr without
    // PostgreSQL).
    this(
        data,
        clock,
        apiKey,
        prices,
        smtp,
        limits,
        galleryAround,
        postgres,
        postgres == null ? null : TestSolr.collection(),
        true);
  }

  private TestServer(
      Path data,
      Clock clock,
      String apiKey,
      Prices prices,
      SmtpSettings smtp,
      FaceSearchApp.Limits limits,
      UnaryOperator<Gallery> galleryAround,
      NodeSettings.Postgres postgres,
      NodeSettings.Solr solr,
      boolean ownsSolr) {
    this.data = data;
    this.solr = solr;
    this.ownsSolr = ownsSolr;
    node =
        Node.open(
            new NodeSettings(
                data,
                prices,
                smtp,
                LuceneGalleryConfig.defaults(),
                limits,
                null,
                NodeSettings.DEFAULT_GALLERY_RETRY,
                postgres,
                solr),
            clock);
    services = node.services(SharedPipeline.get(), galleryAround);
    this.apiKey =
        apiKey != null ? apiKey : services.accounts().bootstrapIfEmpty().orElseThrow().key().key();
    app = node.httpApp().start("127.0.0.1", 0);
  }

  /**
   * Another node of {@code first}'s cluster: a fresh data folder on the same PostgreSQL truth and the same Solr
   * collection, as a second {@code serve} with the same {@code --database-url} and {@code --solr-zk}.
   */
  static TestServer anotherNode(TestServer first) {
    NodeSettings settings = first.node.settings();
    if (settings.postgres() == null || settings.solr() == null) {
      throw new IllegalArgumentException("only a server on PostgreSQL and Solr has other nodes");
    }
    return new TestServer(
        newDataFolder(),
        Clock.systemUTC(),
        first.apiKey,
        settings.prices(),
        settings.smtp(),
        settings.limits(),
        UnaryOperator.identity(),
        settings.postgres(),
        settings.solr(),
        false);
  }

  /** A fresh server with these prices, SMTP server and limits. */
  static TestServer with(Prices prices, SmtpSettings smtp, FaceSearchApp.Limits limits) {
    return new TestServer(newDataFolder(), Clock.systemUTC(), null, prices, smtp, limits);
  }

  private static Path newDataFolder() {
    return TempFolders.create("facesearch-test");
  }

  TestServer() {
    this(Clock.systemUTC());
  }

  URI url(String path) {
    return URI.create("http://127.0.0.1:" + app.port() + path);
  }

  @Override
  public void close() {
    node.close(); // the HTTP service, then the services
    if (ownsSolr && solr != null) {
      TestSolr.drop(solr);
    }
  }
}
