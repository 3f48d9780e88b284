package io.facesearch.cli;

import io.facesearch.accounts.AccountStore;
import io.facesearch.api.FaceSearchApp;
import io.facesearch.app.Node;
import io.facesearch.app.NodeSettings;
import io.facesearch.billing.Prices;
import io.facesearch.enrollment.ModelMismatchException;
import io.facesearch.gallery.LuceneGalleryConfig;
import io.facesearch.gallery.solr.SolrGalleryConfig;
import io.facesearch.pipeline.FacePipeline;
import io.facesearch.pipeline.ModelSpeedCheck;
import io.javalin.Javalin;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code facesearch serve}: runs the HTTP service on the embedded default (SQLite + Lucene in one folder), or with
 * {@code --database-url} on a PostgreSQL truth, and with {@code --solr-zk} besides on a SolrCloud gallery (images
 * still in the data folder).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the HTTP service.")
final class ServeCommand implements Callable<Integer> {

  @Option(
      names = "--port",
      description = "TCP port (default: ${DEFAULT-VALUE}).",
      defaultValue = "8080")
  int port;

  @Option(
      names = "--host",
      description =
          "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; "
              + "0.0.0.0 for every interface, which needs --public-url).",
      defaultValue = "127.0.0.1")
  String host;

  @Option(
      names = "--public-url",
      description =
          "Origin clients reach this server at, e.g. https://faces.example.com; "
              + "required when --host is not a loopback address (default: the address the request arrived at).")
  String publicUrl;

  @Option(
      names = "--database-url",
      description =
          "Keep the truth in PostgreSQL instead of the data folder's SQLite file, e.g. "
              + "jdbc:postgresql://HOST:5432/facesearch (env FACESEARCH_DATABASE_URL). Face images stay in the data "
              + "folder, and the gallery too unless --solr-zk is given.",
      defaultValue = "${env:FACESEARCH_DATABASE_URL}")
  String databaseUrl;

  @Option(
      names = "--database-user",
      description = "PostgreSQL user (env FACESEARCH_DATABASE_USER).",
      defaultValue = "${env:FACESEARCH_DATABASE_USER}")
  String databaseUser;

  @Option(
      names = "--database-password",
      description =
          "PostgreSQL password (env FACESEARCH_DATABASE_PASSWORD, which keeps it out of the process list).",
      defaultValue = "${env:FACESEARCH_DATABASE_PASSWORD}")
  String databasePassword;

  @Option(
      names = "--solr-zk",
      description =
          "Keep the gallery (the face vectors) in SolrCloud instead of the data folder: the ZooKeeper of the "
              + "SolrCloud, HOST:PORT[,HOST:PORT...][/chroot] (env FACESEARCH_SOLR_ZK). Needs --database-url: "
              + "a gallery shared by several nodes needs a truth they share.")
  String solrZk;

  @Option(
      names = "--solr-collection",
      description =
          "The Solr collection of the faces, created (1 shard, 1 replica) when missing "
              + "(default: ${DEFAULT-VALUE}).",
      defaultValue = SolrGalleryConfig.DEFAULT_COLLECTION)
  String solrCollection;

  @Option(
      names = "--writes-per-minute",
      description = "Per API key: POST/PATCH/DELETE in any 60 s (default: ${DEFAULT-VALUE}).",
      defaultValue = "300")
  int writesPerMinute;

  @Option(
      names = "--reads-per-minute",
      description = "Per API key: GET in any 60 s (default: ${DEFAULT-VALUE}).",
      defaultValue = "600")
  int readsPerMinute;

  @Option(
      names = "--registrations-per-hour",
      description = "Per client IP (default: ${DEFAULT-VALUE}).",
      defaultValue = "5")
  int registrationsPerHour;

  @Option(
      names = "--price-face-search",
      description = "Credits per face search (default: ${DEFAULT-VALUE}).",
      defaultValue = "1")
  int priceFaceSearch;

  @Option(
      names = "--credit-price-cents",
      description = "US cents per credit for top-ups (default: ${DEFAULT-VALUE}).",
      defaultValue = "10")
  int creditPriceCents;

  @Option(
      names = "--free-credits",
      description =
          "Credits a newly registered organization starts with " + "(default: ${DEFAULT-VALUE}).",
      defaultValue = "0")
  int freeCredits;

  @Option(
      names = "--search-candidates",
      description =
          "Candidates per gallery search re-scored with the in-memory "
              + "byte embeddings (the best then with their 12-bit copies): more finds more of the exact top matches and costs "
              + "more time; see docs/performance.md "
              + "(default: ${DEFAULT-VALUE}).",
      defaultValue = "" + LuceneGalleryConfig.DEFAULT_SEARCH_CANDIDATES)
  int searchCandidates;

  @Option(
      names = "--gallery-retry-seconds",
      description =
          "How often changes the gallery failed to take are retried "
              + "(doubling after each failed pass, up to 5 minutes) (default: ${DEFAULT-VALUE}).",
      defaultValue = "5")
  int galleryRetrySeconds;

  @Mixin DataOptions dataOptions;

  @Mixin PipelineOptions pipelineOptions;

  @Override
  public Integer call() throws Exception {
    if ((publicUrl == null || publicUrl.isBlank()) && !loopback(host)) {
      throw new UserError(
          "--public-url is required when listening on "
              + host
              + " (beyond this machine): image URLs "
              + "in answers are built from it, never from a caller's Host header");
    }
    if (databaseUrl != null && !databaseUrl.startsWith("jdbc:postgresql:")) {
      throw new UserError("--database-url must be a jdbc:postgresql:// URL");
    }
    if (solrZk != null && !solrZk.isBlank() && postgres() == null) {
      throw new UserError(
          "--solr-zk needs --database-url: a gallery shared by several nodes needs a truth they share");
    }
    if (solrCollection == null || solrCollection.isBlank()) {
      throw new UserError("--solr-collection must not be empty");
    }
    if (galleryRetrySeconds < 1) {
      throw new UserError("--gallery-retry-seconds must be at least 1");
    }
    FacePipeline pipeline = pipelineOptions.load();
    ModelSpeedCheck.Report speed = ModelSpeedCheck.measure(pipeline.models(), 2, 5);
    if (speed.anySlow()) {
      LoggerFactory.getLogger(ServeCommand.class).warn(speed.oneLine());
    } else {
      LoggerFactory.getLogger(ServeCommand.class).info(speed.oneLine());
    }
    Node node =
        Node.open(
            NodeSettings.of(dataOptions.data)
                .withPrices(new Prices(priceFaceSearch, creditPriceCents, freeCredits))
                .withGallery(LuceneGalleryConfig.defaults().withSearchCandidates(searchCandidates))
                .withLimits(
                    new FaceSearchApp.Limits(writesPerMinute, readsPerMinute, registrationsPerHour))
                .withPublicUrl(publicUrl)
                .withGalleryRetry(Duration.ofSeconds(galleryRetrySeconds))
                .withPostgres(postgres())
                .withSolr(solr()),
            Clock.systemUTC());
    try {
      node.services(pipeline);
    } catch (ModelMismatchException e) {
      node.close();
      pipeline.close();
      throw new UserError(e.getMessage());
    }
    node.accounts().bootstrapIfEmpty().ifPresent(ServeCommand::announce);
    Javalin app = node.httpApp();
    node.startBackgroundJobs();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  node.close(); // background work, HTTP, services
                  pipeline.close();
                  stopped.countDown();
                }));
    app.start(host, port);
    System.out.printf(
        "facesearch listening on http://%s:%d, data in %s (embedding model %s)%n",
        host, app.port(), dataOptions.data.toAbsolutePath(), pipeline.embeddingModelId());
    stopped.await();
    return 0;
  }

  private static boolean loopback(String host) {
    try {
      return java.net.InetAddress.getByName(host).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      throw new UserError("unknown --host " + host);
    }
  }

  /** First start: the operator's key is printed once, here, and never again. */
  private static void announce(AccountStore.Bootstrap b) {
    System.out.println(
        "First start: created the default organization and application "
            + b.application().id()
            + ".");
    System.out.println("Its API key (shown once; keep it, it is stored only as a hash):");
    System.out.println();
    System.out.println("    " + b.key().key());
    System.out.println();
    System.out.println("Manage keys with: ./facesearch apikey create|list|revoke");
  }

  /** Where the gallery is: SolrCloud when {@code --solr-zk} is given, else null (the data folder's Lucene). */
  private NodeSettings.Solr solr() {
    return solrZk == null || solrZk.isBlank()
        ? null
        : new NodeSettings.Solr(solrZk.trim(), solrCollection.trim());
  }

  /** Where the truth is: PostgreSQL when {@code --database-url} is given, else null (the data folder's SQLite). */
  private NodeSettings.Postgres postgres() {
    return databaseUrl == null || databaseUrl.isBlank()
        ? null
        : new NodeSettings.Postgres(databaseUrl, databaseUser, databasePassword);
  }
}
