package io.facesearch.api;

/** Reading plain multipart/form fields with Didit's field-keyed errors. */
final class Forms {

  private Forms() {}

  /** A boolean form field: true/false (also 1/0, yes/no, any case); absent or empty -> {@code fallback}. */
  static boolean booleanField(io.javalin.http.Context ctx, String name, boolean fallback) {
    String raw = ctx.formParam(name);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    return switch (raw.strip().toLowerCase()) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw ApiException.invalidField(name, "Must be a valid boolean.");
    };
  }
}
