package io.facesearch.api;

import io.facesearch.images.ImageStore;
import io.facesearch.images.SignedUrls;
import io.javalin.http.Context;

/** {@code GET /v3/images/{session_id}.jpg?app=&expires=&sig=}: a face image behind a signed, expiring URL. */
final class ImageHandler {

  private final ImageStore images;
  private final SignedUrls urls;

  ImageHandler(ImageStore images, SignedUrls urls) {
    this.images = images;
    this.urls = urls;
  }

  void handle(Context ctx) {
    String file = ctx.pathParam("file");
    String app = ctx.queryParam("app");
    String sig = ctx.queryParam("sig");
    long expires;
    try {
      expires = Long.parseLong(ctx.queryParamAsClass("expires", String.class).getOrDefault("0"));
    } catch (NumberFormatException e) {
      expires = 0;
    }
    if (!file.endsWith(".jpg") || app == null) {
      throw ApiException.forbidden("Invalid or expired image URL.");
    }
    String sessionId = file.substring(0, file.length() - 4);
    if (!urls.verify(app, sessionId, expires, sig)) {
      throw ApiException.forbidden("Invalid or expired image URL.");
    }
    byte[] bytes;
    try {
      bytes =
          images.read(app, sessionId).orElseThrow(() -> ApiException.notFound("Image not found."));
    } catch (IllegalArgumentException notAnId) {
      throw ApiException.forbidden("Invalid or expired image URL.");
    }
    ctx.header("Cache-Control", "private, max-age=300").contentType("image/jpeg").result(bytes);
  }
}
