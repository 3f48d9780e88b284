package io.facesearch.api;

import io.facesearch.accounts.AccountStore;
import io.facesearch.accounts.Application;
import io.javalin.http.Context;

/** API-key authentication: header {@code x-api-key} -> the application it belongs to. */
final class Auth {

  private static final String APPLICATION = "facesearch.application";
  private final AccountStore accounts;

  Auth(AccountStore accounts) {
    this.accounts = accounts;
  }

  /** Before-handler: 401 unless the request carries an active key. */
  void requireApiKey(Context ctx) {
    String key = ctx.header("x-api-key");
    if (key == null || key.isBlank()) {
      throw ApiException.unauthorized("Authentication credentials were not provided.");
    }
    Application app = accounts.authenticate(key)
        .orElseThrow(() -> ApiException.unauthorized("Invalid API key."));
    ctx.attribute(APPLICATION, app);
  }

  /** The application of an authenticated request. */
  static Application application(Context ctx) {
    Application app = ctx.attribute(APPLICATION);
    if (app == null) {
      throw new IllegalStateException("route is not behind requireApiKey");
    }
    return app;
  }
}
