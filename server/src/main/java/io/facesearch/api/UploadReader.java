package io.facesearch.api;

import io.facesearch.image.BgrImage;
import io.facesearch.image.ImageDecoder;
import io.facesearch.image.ImageRejectedException;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;

/** Reads an uploaded image field and decodes it, turning every problem into a field-keyed 400. */
final class UploadReader {

  private final ImageDecoder decoder;
  private final int maxBytes;

  UploadReader(ImageDecoder decoder, int maxBytes) {
    this.decoder = decoder;
    this.maxBytes = maxBytes;
  }

  BgrImage requiredImage(Context ctx, String field) {
    UploadedFile file = ctx.uploadedFile(field);
    if (file == null) {
      throw ApiException.invalidField(field, "This field is required.");
    }
    if (file.size() > maxBytes) {
      throw ApiException.invalidField(
          field, "The file is larger than " + (maxBytes / 1_000_000) + " MB.");
    }
    byte[] bytes;
    try (InputStream in = file.content()) {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw ApiException.invalidField(field, "The upload could not be read.");
    }
    try {
      return decoder.decode(bytes);
    } catch (ImageRejectedException e) {
      throw ApiException.invalidField(field, e.reason().message());
    }
  }
}
