package io.facesearch.cli;

import io.facesearch.accounts.AccountStore;
import io.facesearch.api.FaceSearchApp;
import io.facesearch.api.Services;
import io.facesearch.billing.Prices;
import io.facesearch.sessions.Retention;
import io.facesearch.pipeline.FacePipeline;
import io.javalin.Javalin;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code facesearch serve}: runs the HTTP service on the embedded default (SQLite + Lucene in one folder). */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the HTTP service.")
final class ServeCommand implements Callable<Integer> {

  @Option(names = "--port", description = "TCP port (default: ${DEFAULT-VALUE}).", defaultValue = "8080")
  int port;

  @Option(names = "--host", description = "Address to listen on (default: ${DEFAULT-VALUE}).", defaultValue = "0.0.0.0")
  String host;

  @Option(names = "--public-url", description = "Origin clients reach this server at, e.g. https://faces.example.com "
      + "(default: the request's Host).")
  String publicUrl;

  @Option(names = "--writes-per-minute", description = "Per API key: POST/PATCH/DELETE in any 60 s (default: ${DEFAULT-VALUE}).",
      defaultValue = "300")
  int writesPerMinute;

  @Option(names = "--reads-per-minute", description = "Per API key: GET in any 60 s (default: ${DEFAULT-VALUE}).",
      defaultValue = "600")
  int readsPerMinute;

  @Option(names = "--registrations-per-hour", description = "Per client IP (default: ${DEFAULT-VALUE}).",
      defaultValue = "5")
  int registrationsPerHour;

  @Option(names = "--price-face-search", description = "Credits per face search (default: ${DEFAULT-VALUE}).",
      defaultValue = "1")
  int priceFaceSearch;

  @Option(names = "--credit-price-cents", description = "US cents per credit for top-ups (default: ${DEFAULT-VALUE}).",
      defaultValue = "10")
  int creditPriceCents;

  @Option(names = "--free-credits", description = "Credits a newly registered organization starts with "
      + "(default: ${DEFAULT-VALUE}).", defaultValue = "0")
  int freeCredits;

  @Mixin
  DataOptions dataOptions;

  @Mixin
  PipelineOptions pipelineOptions;

  @Override
  public Integer call() throws Exception {
    FacePipeline pipeline = pipelineOptions.load();
    Services services = Services.open(dataOptions.data, pipeline, Clock.systemUTC(),
        new Prices(priceFaceSearch, creditPriceCents, freeCredits));
    services.accounts().bootstrapIfEmpty().ifPresent(ServeCommand::announce);
    Javalin app = FaceSearchApp.create(services, publicUrl,
        new FaceSearchApp.Limits(writesPerMinute, readsPerMinute, registrationsPerHour));
    java.util.concurrent.ScheduledExecutorService scheduler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
        r -> Thread.ofPlatform().daemon().name("retention").unstarted(r));
    Retention retention = new Retention(services.accounts(), services.review(), Clock.systemUTC());
    scheduler.scheduleWithFixedDelay(() -> {
      try {
        retention.runOnce();
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(ServeCommand.class).warn("retention pass failed: {}", e.getMessage());
      }
    }, 1, 60, java.util.concurrent.TimeUnit.MINUTES);
    java.util.concurrent.ScheduledExecutorService sender = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
        r -> Thread.ofPlatform().daemon().name("webhooks").unstarted(r));
    sender.scheduleWithFixedDelay(() -> {
      try {
        services.webhooks().deliverDue();
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(ServeCommand.class).warn("webhook pass failed: {}", e.getMessage());
      }
    }, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      scheduler.shutdownNow();
      sender.shutdownNow();
      app.stop();
      services.close();
      pipeline.close();
      stopped.countDown();
    }));
    app.start(host, port);
    System.out.printf("facesearch listening on http://%s:%d, data in %s (embedding model %s)%n", host, app.port(),
        dataOptions.data.toAbsolutePath(), pipeline.embeddingModelId());
    stopped.await();
    return 0;
  }

  /** First start: the operator's key is printed once, here, and never again. */
  private static void announce(AccountStore.Bootstrap b) {
    System.out.println("First start: created the default organization and application " + b.application().id() + ".");
    System.out.println("Its API key (shown once; keep it, it is stored only as a hash):");
    System.out.println();
    System.out.println("    " + b.key().key());
    System.out.println();
    System.out.println("Manage keys with: ./facesearch apikey create|list|revoke");
  }
}
