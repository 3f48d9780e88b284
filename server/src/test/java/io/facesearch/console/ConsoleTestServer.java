package io.facesearch.console;

import io.facesearch.api.FaceSearchApp;
import io.facesearch.api.Services;
import io.facesearch.api.TempFolders;
import io.facesearch.billing.Prices;
import io.facesearch.mail.SmtpSettings;
import io.facesearch.pipeline.SharedPipeline;
import io.javalin.Javalin;
import java.net.URI;
import java.time.Clock;

/** The real service on a random loopback port with a fresh data folder, 100 free credits and GreenMail SMTP. */
final class ConsoleTestServer implements AutoCloseable {

  final Services services;
  final Javalin app;
  /** The default (operator's) application's key. */
  final String operatorKey;

  ConsoleTestServer(int smtpPort) {
    services = Services.open(TempFolders.create("facesearch-console"), SharedPipeline.get(),
        Clock.systemUTC(), new Prices(1, 10, 100),
        new SmtpSettings("127.0.0.1", smtpPort, null, null, "facesearch@test.local", false));
    operatorKey = services.accounts().bootstrapIfEmpty().orElseThrow().key().key();
    app = FaceSearchApp.create(services, null, FaceSearchApp.Limits.DEFAULTS).start("127.0.0.1", 0);
  }

  URI url(String path) {
    return URI.create(base() + path);
  }

  String base() {
    return "http://127.0.0.1:" + app.port();
  }

  @Override
  public void close() {
    app.stop();
    services.close();
  }
}
