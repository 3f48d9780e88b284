package io.facesearch.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facesearch.accounts.Application;
import io.facesearch.webhooks.Webhooks;
import io.javalin.http.Context;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Didit's webhook destinations: {@code GET/POST /v3/webhook/destinations/} and {@code GET/PATCH/DELETE
 * /v3/webhook/destinations/{destination_uuid}/}. Each destination has a {@code label}, {@code url}, {@code enabled},
 * {@code webhook_version} and {@code subscribed_events}, and a generated signing secret, {@code secret_shared_key}.
 */
final class WebhookDestinationsHandler {

  record DestinationJson(
      String uuid,
      String label,
      String url,
      boolean enabled,
      String webhook_version,
      List<String> subscribed_events,
      String secret_shared_key,
      String created_at,
      String updated_at) {}

  private final Webhooks webhooks;
  private final ObjectMapper json;

  WebhookDestinationsHandler(Webhooks webhooks, ObjectMapper json) {
    this.webhooks = webhooks;
    this.json = json;
  }

  void list(Context ctx) {
    Application app = Gate.application(ctx);
    ctx.json(
        Pagination.page(
            ctx,
            webhooks.destinations(app.id()).stream()
                .map(WebhookDestinationsHandler::json)
                .toList()));
  }

  void create(Context ctx) {
    Application app = Gate.application(ctx);
    Webhooks.DestinationChange change = change(app, JsonBody.object(ctx, json), true);
    ctx.status(201).json(json(webhooks.createDestination(app.id(), change)));
  }

  void get(Context ctx) {
    Application app = Gate.application(ctx);
    ctx.json(
        json(
            webhooks
                .destination(app.id(), ctx.pathParam("destination_uuid"))
                .orElseThrow(() -> ApiException.notFound("Not found."))));
  }

  void update(Context ctx) {
    Application app = Gate.application(ctx);
    Webhooks.DestinationChange change = change(app, JsonBody.object(ctx, json), false);
    ctx.json(
        json(
            webhooks
                .updateDestination(app.id(), ctx.pathParam("destination_uuid"), change)
                .orElseThrow(() -> ApiException.notFound("Not found."))));
  }

  void delete(Context ctx) {
    Application app = Gate.application(ctx);
    if (!webhooks.deleteDestination(app.id(), ctx.pathParam("destination_uuid"))) {
      throw ApiException.notFound("Not found.");
    }
    ctx.status(204);
  }

  private Webhooks.DestinationChange change(Application app, JsonNode body, boolean creating) {
    String url = JsonBody.text(body, "url");
    if (url == null && creating) {
      throw ApiException.invalidField("url", "This field is required.");
    }
    if (url != null) {
      URI uri;
      try {
        uri = URI.create(url.strip());
      } catch (IllegalArgumentException e) {
        throw ApiException.invalidField("url", "Enter a valid URL.");
      }
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw ApiException.invalidField("url", "Enter a valid URL.");
      }
      String problem = webhooks.targetProblem(app.id(), uri.toString());
      if (problem != null) {
        throw ApiException.invalidField(
            "url", "This URL cannot receive webhooks: " + problem + ".");
      }
      url = uri.toString();
    }
    JsonNode enabled = body.get("enabled");
    if (enabled != null && !enabled.isBoolean() && !enabled.isNull()) {
      throw ApiException.invalidField("enabled", "Must be a valid boolean.");
    }
    String version = JsonBody.text(body, "webhook_version");
    if (version != null && !List.of("v1", "v2", "v3").contains(version)) {
      throw ApiException.invalidField(
          "webhook_version", "\"" + version + "\" is not a valid choice.");
    }
    List<String> events = null;
    JsonNode subscribed = body.get("subscribed_events");
    if (subscribed != null && !subscribed.isNull()) {
      if (!subscribed.isArray()) {
        throw ApiException.invalidField("subscribed_events", "Expected a list of items.");
      }
      events = new ArrayList<>();
      for (JsonNode e : subscribed) {
        if (!e.isTextual() || !Webhooks.EVENTS.contains(e.asText())) {
          throw ApiException.invalidField(
              "subscribed_events",
              "\""
                  + e.asText()
                  + "\" is not a valid choice ("
                  + String.join(", ", Webhooks.EVENTS)
                  + ").");
        }
        if (!events.contains(e.asText())) {
          events.add(e.asText());
        }
      }
    }
    return new Webhooks.DestinationChange(
        JsonBody.text(body, "label"),
        url,
        enabled == null || enabled.isNull() ? null : enabled.asBoolean(),
        version,
        events);
  }

  private static DestinationJson json(Webhooks.Destination d) {
    return new DestinationJson(
        d.uuid(),
        d.label(),
        d.url(),
        d.enabled(),
        d.webhookVersion(),
        d.subscribedEvents(),
        d.secretSharedKey(),
        d.createdAt().toString(),
        d.updatedAt().toString());
  }
}
