package io.facesearch.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facesearch.accounts.Application;
import io.facesearch.billing.Credits;
import io.facesearch.billing.InsufficientCreditsException;
import io.facesearch.billing.Prices;
import io.facesearch.image.BgrImage;
import io.facesearch.images.SignedUrls;
import io.facesearch.search.FaceSearchService;
import io.facesearch.search.SearchType;
import io.javalin.http.Context;

/**
 * {@code POST /v3/face-search/}: Didit's face search, field for field. Order: fields validated, credits
 * reserved (403 when short, before the image is even decoded), image decoded and searched, then the charge
 * commits with the saved session; any failure releases the reservation.
 */
final class FaceSearchHandler {

  private final FaceSearchService service;
  private final UploadReader uploads;
  private final SignedUrls urls;
  private final ObjectMapper json;
  private final Origins origins;
  private final Credits credits;
  private final Prices prices;

  FaceSearchHandler(
      FaceSearchService service,
      UploadReader uploads,
      SignedUrls urls,
      ObjectMapper json,
      Origins origins,
      Credits credits,
      Prices prices) {
    this.origins = origins;
    this.credits = credits;
    this.prices = prices;
    this.service = service;
    this.uploads = uploads;
    this.urls = urls;
    this.json = json;
  }

  void handle(Context ctx) throws JsonProcessingException {
    Application app = Gate.application(ctx);
    // Validate every field before any work: an invalid request stores and charges nothing.
    String rawType = ctx.formParam("search_type");
    SearchType type =
        rawType == null || rawType.isBlank()
            ? SearchType.MOST_SIMILAR
            : SearchType.fromWire(rawType.strip());
    if (type == null) {
      throw ApiException.invalidField("search_type", "\"" + rawType + "\" is not a valid choice.");
    }
    boolean rotate = Forms.booleanField(ctx, "rotate_image", false);
    boolean save = Forms.booleanField(ctx, "save_api_request", true);
    String vendorData = Forms.text(ctx, "vendor_data");
    JsonNode metadata = metadata(ctx, json);
    if (ctx.uploadedFile("user_image") == null) {
      throw ApiException.invalidField("user_image", "This field is required.");
    }
    Credits.Hold hold;
    try {
      hold =
          credits.reserve(app.organizationId(), prices.faceSearch()); // before any image processing
    } catch (InsufficientCreditsException e) {
      throw ApiException.forbidden(e.getMessage());
    }
    boolean charged = false;
    try {
      BgrImage image = uploads.requiredImage(ctx, "user_image");
      FaceSearchService.Result result = service.search(app, image, type, rotate);
      String body =
          json.writeValueAsString(
              FaceSearchJson.of(result, vendorData, metadata, urls, origins.of(ctx)));
      if (save) {
        service.saveAsApiSession(
            app,
            image.rotateClockwise(result.analysis().bestAngle()),
            result,
            vendorData,
            body,
            hold);
      } else {
        credits.chargeAlone(hold, "face-search", result.requestId());
      }
      charged = true;
      ctx.contentType("application/json").result(body);
    } finally {
      if (!charged) {
        credits.release(hold);
      }
    }
  }

  /** The multipart field {@code metadata} parsed as JSON, or null; the companion endpoints read it the same way. */
  static JsonNode metadata(Context ctx, ObjectMapper json) {
    String raw = Forms.text(ctx, "metadata");
    if (raw == null || raw.isBlank()) {
      return null;
    }
    JsonNode node;
    try {
      node =
          json.reader()
              .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
              .readTree(raw);
    } catch (java.io.IOException e) {
      throw ApiException.invalidField("metadata", "Value must be valid JSON.");
    }
    if (node == null || !node.isObject()) { // Didit documents metadata as a JSON object
      throw ApiException.invalidField("metadata", "Value must be a JSON object.");
    }
    return node;
  }
}
