package io.facesearch.api;

import io.facesearch.accounts.Application;
import io.facesearch.services.Services;
import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /metrics}: every meter in Prometheus's text format. Gallery sizes name every application, so the page is
 * for the operator only: a scraper on the same host (loopback), or a caller with an API key of an unmetered (the
 * operator's own) organization; anyone else gets 403.
 */
final class MetricsHandler {

  private final Services services;

  MetricsHandler(Services services) {
    this.services = services;
  }

  void handle(Context ctx) {
    if (!loopback(ctx.req().getRemoteAddr())) {
      String key = ctx.header("x-api-key");
      if (key == null || key.isBlank()) {
        throw ApiException.unauthorized("Authentication credentials were not provided.");
      }
      Optional<Application> app = services.accounts().authenticate(key);
      if (app.isEmpty()) {
        throw ApiException.unauthorized("Invalid API key.");
      }
      if (services.credits().metered(app.get().organizationId())) {
        throw ApiException.forbidden("The metrics are for the operator's own applications.");
      }
    }
    Map<String, Long> faces = new LinkedHashMap<>();
    for (Application a : services.accounts().applications()) {
      faces.put(a.id(), services.gallery().count(a.id()));
    }
    services.metrics().refresh(faces, services.credits().chargedByEndpoint());
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(services.metrics().scrape());
  }

  private static boolean loopback(String address) {
    try {
      return InetAddress.getByName(address).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
