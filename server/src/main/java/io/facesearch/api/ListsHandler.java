package io.facesearch.api;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import java.util.List;
import java.util.Locale;

/**
 * Didit's face lists API: {@code GET/POST /v3/lists/}, {@code GET/PATCH/DELETE /v3/lists/{list_uuid}/},
 * {@code GET/POST /v3/lists/{list_uuid}/entries/} (an entry from a session: {@code reference_session_id}),
 * {@code POST /v3/lists/{list_uuid}/entries/face-upload/} ({@code {"image": "<base64>", "comment"}}) and
 * {@code GET/PATCH/DELETE /v3/lists/{list_uuid}/entries/{entry_uuid}/}. Collections are paginated
 * {@code {count, next, previous, results}}; every application has a system face blocklist ({@code is_system}).
 */
final class ListsHandler {

  record ListJson(
      String uuid,
      String name,
      String description,
      String list_type,
      String entry_type,
      boolean is_system,
      long entry_count,
      String last_entry_added_at,
      String created_at,
      String updated_at) {}

  /**
   * Didit's entry; a face has no {@code value}. {@code list_uuid} and {@code session_id} are facesearch's: {@code
   * session_id} is the id a search's match reports for the entry's face (the entry's uuid; an entry is not a session).
   */
  record EntryJson(
      String uuid,
      String value,
      String display_label,
      String comment,
      String added_by,
      String reference_session_id,
      Long reference_session_number,
      String reference_object_uuid,
      JsonNode metadata,
      String created_at,
      String list_uuid,
      String session_id) {}

  private final FaceLists lists;
  private final ImageDecoder decoder;
  private final ObjectMapper json;

  ListsHandler(FaceLists lists, ImageDecoder decoder, ObjectMapper json) {
    this.lists = lists;
    this.decoder = decoder;
    this.json = json;
  }

  void all(Context ctx) {
    Application app = Gate.application(ctx);
    lists.systemBlocklist(app); // every application has one
    String type = ctx.queryParam("list_type");
    String entryType = ctx.queryParam("entry_type");
    List<ListJson> shown =
        lists.lists(app).stream()
            .filter(l -> type == null || type.isBlank() || l.type().wireName().equals(type.strip()))
            .filter(
                l -> entryType == null || entryType.isBlank() || "face".equals(entryType.strip()))
            .map(ListsHandler::json)
            .toList();
    ctx.json(Pagination.page(ctx, shown));
  }

  void create(Context ctx) {
    Application app = Gate.application(ctx);
    JsonNode body = JsonBody.object(ctx, json);
    String name = body.path("name").asText("").strip();
    if (name.isEmpty() || name.length() > 200) {
      throw ApiException.invalidField("name", "This field is required (at most 200 characters).");
    }
    String rawType = body.path("list_type").asText("blocklist");
    FaceLists.ListType type = FaceLists.ListType.fromWire(rawType);
    if (type == null) {
      throw ApiException.invalidField(
          "list_type",
          "\""
              + rawType
              + "\" is not a valid choice: face lists are "
              + "\"allowlist\" or \"blocklist\".");
    }
    entryType(body);
    ctx.status(201).json(json(lists.create(app, name, type, JsonBody.text(body, "description"))));
  }

  void get(Context ctx) {
    ctx.json(json(list(ctx, Gate.application(ctx))));
  }

  void update(Context ctx) {
    Application app = Gate.application(ctx);
    JsonNode body = JsonBody.object(ctx, json);
    String name = JsonBody.text(body, "name");
    if (name != null && (name.isBlank() || name.length() > 200)) {
      throw ApiException.invalidField("name", "Ensure this field has 1 to 200 characters.");
    }
    boolean changed =
        lists
            .update(
                app,
                ctx.pathParam("list_uuid"),
                name == null ? null : name.strip(),
                JsonBody.text(body, "description"))
            .orElseThrow(() -> ApiException.notFound("List not found."));
    if (!changed) {
      throw ApiException.badRequest("The system face blocklist cannot be renamed.");
    }
    get(ctx);
  }

  void delete(Context ctx) {
    boolean deleted =
        lists
            .delete(Gate.application(ctx), ctx.pathParam("list_uuid"))
            .orElseThrow(() -> ApiException.notFound("List not found."));
    if (!deleted) {
      throw ApiException.badRequest("The system face blocklist cannot be deleted.");
    }
    ctx.status(204);
  }

  void entries(Context ctx) {
    Application app = Gate.application(ctx);
    String listId = list(ctx, app).id();
    String search = ctx.queryParam("search");
    String needle = search == null ? "" : search.strip().toLowerCase(Locale.ROOT);
    List<EntryJson> shown =
        lists.entries(app, listId).stream()
            .filter(
                e ->
                    needle.isEmpty()
                        || contains(e.displayLabel(), needle)
                        || contains(e.comment(), needle)
                        || contains(e.referenceSessionId(), needle))
            .map(this::json)
            .toList();
    ctx.json(Pagination.page(ctx, shown));
  }

  /** {@code POST /v3/lists/{uuid}/entries/}: a face list's entry comes from a session (or from face-upload). */
  void createEntry(Context ctx) {
    Application app = Gate.application(ctx);
    JsonNode body = JsonBody.object(ctx, json);
    String listId = list(ctx, app).id();
    String sessionId = JsonBody.text(body, "reference_session_id");
    if (sessionId == null || sessionId.isBlank()) {
      throw ApiException.invalidField(
          body.hasNonNull("value") ? "value" : "reference_session_id",
          "A face list's entry is a session's face (reference_session_id) or an upload (entries/face-upload/).");
    }
    FaceLists.Added added = lists.addFromSession(app, listId, sessionId.strip(), fields(body));
    switch (added.outcome()) {
      case NO_SUCH_LIST -> throw ApiException.notFound("List not found.");
      case NO_SUCH_SESSION ->
          throw ApiException.invalidField("reference_session_id", "Session not found.");
      case NO_FACE ->
          throw ApiException.invalidField("reference_session_id", "This session has no face.");
      case ADDED -> ctx.status(201).json(json(added.entry()));
    }
  }

  void faceUpload(Context ctx) {
    Application app = Gate.application(ctx);
    JsonNode body = JsonBody.object(ctx, json);
    String encoded = body.path("image").asText("");
    if (encoded.isBlank()) {
      throw ApiException.invalidField("image", "This field is required.");
    }
    FaceLists.EntryFields fields = fields(body);
    byte[] bytes;
    try {
      String data =
          encoded.startsWith("data:") ? encoded.substring(encoded.indexOf(',') + 1) : encoded;
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
      FaceLists.Entry entry =
          lists
              .addFace(app, ctx.pathParam("list_uuid"), image, fields)
              .orElseThrow(() -> ApiException.notFound("List not found."));
      ctx.status(201).json(json(entry));
    } catch (FaceSearchService.FaceCountException e) {
      throw ApiException.invalidField("image", e.getMessage());
    }
  }

  void entry(Context ctx) {
    Application app = Gate.application(ctx);
    ctx.json(
        json(
            lists
                .entry(app, ctx.pathParam("list_uuid"), ctx.pathParam("entry_uuid"))
                .orElseThrow(() -> ApiException.notFound("Entry not found."))));
  }

  void updateEntry(Context ctx) {
    Application app = Gate.application(ctx);
    FaceLists.EntryFields fields = fields(JsonBody.object(ctx, json));
    ctx.json(
        json(
            lists
                .updateEntry(app, ctx.pathParam("list_uuid"), ctx.pathParam("entry_uuid"), fields)
                .orElseThrow(() -> ApiException.notFound("Entry not found."))));
  }

  void removeEntry(Context ctx) {
    if (!lists.removeEntry(
        Gate.application(ctx), ctx.pathParam("list_uuid"), ctx.pathParam("entry_uuid"))) {
      throw ApiException.notFound("Entry not found.");
    }
    ctx.status(204);
  }

  private FaceLists.FaceList list(Context ctx, Application app) {
    return lists
        .find(app, ctx.pathParam("list_uuid"))
        .orElseThrow(() -> ApiException.notFound("List not found."));
  }

  private static void entryType(JsonNode body) {
    String entryType = JsonBody.text(body, "entry_type");
    if (entryType != null && !entryType.equals("face")) {
      throw ApiException.invalidField(
          "entry_type",
          "\"" + entryType + "\" is not a valid choice: facesearch keeps " + "face lists only.");
    }
  }

  private FaceLists.EntryFields fields(JsonNode body) {
    JsonNode metadata = body.get("metadata");
    if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
      throw ApiException.invalidField("metadata", "Must be a JSON object.");
    }
    String metadataText;
    try {
      metadataText =
          metadata == null || metadata.isNull() ? null : json.writeValueAsString(metadata);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    if (metadataText != null && Forms.tooLong(metadataText)) {
      throw ApiException.invalidField(
          "metadata", "Ensure this field has no more than " + Forms.MAX_TEXT + " characters.");
    }
    return new FaceLists.EntryFields(
        JsonBody.text(body, "display_label"), JsonBody.text(body, "comment"), metadataText);
  }

  private static boolean contains(String text, String needle) {
    return text != null && text.toLowerCase(Locale.ROOT).contains(needle);
  }

  private static ListJson json(FaceLists.FaceList l) {
    return new ListJson(
        l.id(),
        l.name(),
        l.description(),
        l.type().wireName(),
        "face",
        l.system(),
        l.entries(),
        l.lastEntryAddedAt() == null ? null : l.lastEntryAddedAt().toString(),
        l.createdAt().toString(),
        l.updatedAt().toString());
  }

  private EntryJson json(FaceLists.Entry e) {
    JsonNode metadata;
    try {
      metadata = e.metadata() == null ? null : json.readTree(e.metadata());
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
    return new EntryJson(
        e.id(),
        null,
        e.displayLabel(),
        e.comment(),
        null,
        e.referenceSessionId(),
        e.referenceSessionNumber(),
        null,
        metadata,
        e.createdAt().toString(),
        e.listId(),
        e.id());
  }
}
