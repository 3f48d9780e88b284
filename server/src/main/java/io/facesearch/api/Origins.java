package io.facesearch.api;

import io.javalin.http.Context;

/**
 * The scheme://host[:port] clients reach this server at, for absolute URLs in answers: the configured public
 * URL ({@code --public-url}, needed behind a proxy), else the request's own Host.
 */
final class Origins {

  private final String publicUrl;

  Origins(String publicUrl) {
    this.publicUrl = publicUrl == null || publicUrl.isBlank() ? null : publicUrl.replaceAll("/+$", "");
  }

  String of(Context ctx) {
    if (publicUrl != null) {
      return publicUrl;
    }
    String host = ctx.header("Host");
    return ctx.scheme() + "://" + (host == null || host.isBlank() ? ctx.host() : host);
  }
}
