package io.facesearch.api;

import io.javalin.http.Context;

/** The scheme://host[:port] clients reach this server at, for absolute URLs in answers. */
final class Origins {

  private Origins() {}

  static String of(Context ctx) {
    String configured = System.getenv("FACESEARCH_PUBLIC_URL");
    if (configured != null && !configured.isBlank()) {
      return configured.replaceAll("/+$", "");
    }
    String host = ctx.header("Host");
    return ctx.scheme() + "://" + (host == null || host.isBlank() ? ctx.host() : host);
  }
}
