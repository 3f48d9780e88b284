package io.facesearch.api;

import io.javalin.http.Context;

/**
 * The scheme://host[:port] clients reach this server at, for absolute URLs in answers: the configured public
 * URL ({@code --public-url}, required by serve when it listens beyond loopback), else the address and port the
 * request arrived at. Never the caller's {@code Host} header: a URL built from it is saved in sessions and shown
 * to others, so a forged Host would plant links to another site.
 */
final class Origins {

  private final String publicUrl;

  Origins(String publicUrl) {
    this.publicUrl =
        publicUrl == null || publicUrl.isBlank() ? null : publicUrl.replaceAll("/+$", "");
  }

  String of(Context ctx) {
    if (publicUrl != null) {
      return publicUrl;
    }
    String address = ctx.req().getLocalAddr();
    if (address.indexOf(':') >= 0) {
      address = "[" + address + "]"; // IPv6 literal
    }
    return ctx.scheme() + "://" + address + ":" + ctx.req().getLocalPort();
  }
}
