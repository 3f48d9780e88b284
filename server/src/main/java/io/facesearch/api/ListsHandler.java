package io.facesearch.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facesearch.accounts.Application;
import io.facesearch.image.BgrImage;
import io.facesearch.image.ImageDecoder;
import io.facesearch.image.ImageRejectedException;
import io.facesearch.lists.FaceLists;
import io.facesearch.search.FaceSearchService;
import io.javalin.http.Context;
import java.util.Base64;

/**
 * {@code /v3/lists/}: face blocklists and allowlists. {@code POST /v3/lists/{list_uuid}/entries/face-upload/}
 * takes JSON {@code {"image": "<base64>", "comment": "..."}}.
 */
final class ListsHandler {

  record ListJson(String uuid, String name, String list_type, long entries_count, String created_at) {}

  record EntryJson(String uuid, String list_uuid, String session_id, String comment, String created_at) {}

  private final FaceLists lists;
  private final ImageDecoder decoder;
  private final ObjectMapper json;

  ListsHandler(FaceLists lists, ImageDecoder decoder, ObjectMapper json) {
    this.lists = lists;
    this.decoder = decoder;
    this.json = json;
  }

  void all(Context ctx) {
    ctx.json(lists.lists(Gate.application(ctx)).stream().map(ListsHandler::json).toList());
  }

  void create(Context ctx) {
    Application app = Gate.application(ctx);
    JsonNode body = JsonBody.object(ctx, json);
    String name = body.path("name").asText("").strip();
    if (name.isEmpty() || name.length() > 200) {
      throw ApiException.invalidField("name", "This field is required (at most 200 characters).");
    }
    FaceLists.ListType type = FaceLists.ListType.fromWire(body.path("list_type").asText("blocklist"));
    if (type == null) {
      throw ApiException.invalidField("list_type", "Must be \"blocklist\" or \"allowlist\".");
    }
    ctx.status(201).json(json(lists.create(app, name, type)));
  }

  void entries(Context ctx) {
    Application app = Gate.application(ctx);
    String listId = ctx.pathParam("list_uuid");
    lists.find(app, listId).orElseThrow(() -> ApiException.notFound("List not found."));
    ctx.json(lists.entries(app, listId).stream().map(ListsHandler::json).toList());
  }

  void faceUpload(Context ctx) {
    Application app = Gate.application(ctx);
    JsonNode body = JsonBody.object(ctx, json);
    String encoded = body.path("image").asText("");
    if (encoded.isBlank()) {
      throw ApiException.invalidField("image", "This field is required.");
    }
    String comment = JsonBody.text(body, "comment");
    byte[] bytes;
    try {
      String data = encoded.startsWith("data:") ? encoded.substring(encoded.indexOf(',') + 1) : encoded;
      bytes = Base64.getMimeDecoder().decode(data);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalidField("image", "Not valid base64.");
    }
    BgrImage image;
    try {
      image = decoder.decode(bytes);
    } catch (ImageRejectedException e) {
      throw ApiException.invalidField("image", e.reason().message());
    }
    try {
      FaceLists.Entry entry = lists.addFace(app, ctx.pathParam("list_uuid"), image, comment)
          .orElseThrow(() -> ApiException.notFound("List not found."));
      ctx.status(201).json(json(entry));
    } catch (FaceSearchService.FaceCountException e) {
      throw ApiException.invalidField("image", e.getMessage());
    }
  }

  void removeEntry(Context ctx) {
    if (!lists.removeEntry(Gate.application(ctx), ctx.pathParam("list_uuid"), ctx.pathParam("entry_uuid"))) {
      throw ApiException.notFound("Entry not found.");
    }
    ctx.status(204);
  }

  private static ListJson json(FaceLists.FaceList l) {
    return new ListJson(l.id(), l.name(), l.type().wireName(), l.entries(), l.createdAt().toString());
  }

  private static EntryJson json(FaceLists.Entry e) {
    return new EntryJson(e.id(), e.listId(), e.sessionId(), e.comment(), e.createdAt().toString());
  }


}
