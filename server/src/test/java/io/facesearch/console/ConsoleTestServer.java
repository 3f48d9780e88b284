package io.facesearch.console;

import io.facesearch.api.TempFolders;
import io.facesearch.app.Node;
import io.facesearch.app.NodeSettings;
import io.facesearch.billing.Prices;
import io.facesearch.mail.SmtpSettings;
import io.facesearch.pipeline.SharedPipeline;
import io.facesearch.services.Services;
import io.facesearch.store.Dialect;
import io.facesearch.testing.TestPostgres;
import io.javalin.Javalin;
import java.net.URI;
import java.time.Clock;

/**
 * The real service on a random loopback port with a fresh data folder, 100 free credits and GreenMail SMTP; the truth
 * in the data folder's SQLite or, for {@link Dialect#POSTGRESQL}, in a new database of the test PostgreSQL
 * ({@link TestPostgres}: skipped, or failed under CI, without PostgreSQL).
 */
final class ConsoleTestServer implements AutoCloseable {

  final Node node;
  final Services services;
  final Javalin app;

  /** The default (operator's) application's key. */
  final String operatorKey;

  ConsoleTestServer(int smtpPort) {
    this(smtpPort, Clock.systemUTC());
  }

  /** The server on {@code clock} (a test clock makes the console's time limits testable). */
  ConsoleTestServer(int smtpPort, Clock clock) {
    this(smtpPort, clock, Dialect.SQLITE);
  }

  ConsoleTestServer(int smtpPort, Dialect dialect) {
    this(smtpPort, Clock.systemUTC(), dialect);
  }

  /** The server on {@code clock} with its truth on {@code dialect}. */
  ConsoleTestServer(int smtpPort, Clock clock, Dialect dialect) {
    node =
        Node.open(
            NodeSettings.of(TempFolders.create("facesearch-console"))
                .withPrices(new Prices(1, 10, 100))
                .withSmtp(
                    new SmtpSettings(
                        "127.0.0.1", smtpPort, null, null, "facesearch@test.local", false))
                .withPostgres(
                    dialect == Dialect.POSTGRESQL
                        ? new NodeSettings.Postgres(TestPostgres.database(), "facesearch", "")
                        : null),
            clock);
    services = node.services(SharedPipeline.get());
    operatorKey = services.accounts().bootstrapIfEmpty().orElseThrow().key().key();
    app = node.httpApp().start("127.0.0.1", 0);
  }

  URI url(String path) {
    return URI.create(base() + path);
  }

  String base() {
    return "http://127.0.0.1:" + app.port();
  }

  @Override
  public void close() {
    node.close(); // the HTTP service, then the services
  }
}
