package io.facesearch.console;

import io.facesearch.api.TempFolders;
import io.facesearch.app.Node;
import io.facesearch.app.NodeSettings;
import io.facesearch.billing.Prices;
import io.facesearch.mail.SmtpSettings;
import io.facesearch.pipeline.SharedPipeline;
import io.facesearch.services.Services;
import io.javalin.Javalin;
import java.net.URI;
import java.time.Clock;

/** The real service on a random loopback port with a fresh data folder, 100 free credits and GreenMail SMTP. */
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
    node =
        Node.open(
            NodeSettings.of(TempFolders.create("facesearch-console"))
                .withPrices(new Prices(1, 10, 100))
                .withSmtp(
                    new SmtpSettings(
                        "127.0.0.1", smtpPort, null, null, "facesearch@test.local", false)),
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
