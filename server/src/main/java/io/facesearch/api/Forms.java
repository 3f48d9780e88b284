package io.facesearch.api;

import io.javalin.http.Context;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Reading plain multipart/form fields with Didit's field-keyed errors. */
final class Forms {

  static final int MAX_TEXT = 1024;

  private Forms() {}

  /** A boolean form field: true/false (also 1/0, yes/no, any case); absent or empty -> {@code fallback}. */
  static boolean booleanField(Context ctx, String name, boolean fallback) {
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

  /** An optional text field of at most {@link #MAX_TEXT} characters; null when absent. */
  static String text(Context ctx, String name) {
    String raw = ctx.formParam(name);
    if (raw == null) {
      return null;
    }
    if (tooLong(raw)) {
      throw ApiException.invalidField(
          name, "Ensure this field has no more than " + MAX_TEXT + " characters.");
    }
    return raw;
  }

  /** Over {@link #MAX_TEXT} characters, counted as Unicode code points (an emoji is one character). */
  static boolean tooLong(String text) {
    return text.length() > MAX_TEXT && text.codePointCount(0, text.length()) > MAX_TEXT;
  }

  /** An optional ISO 8601 date-time (or date) field; null when absent. */
  static Instant instant(Context ctx, String name) {
    String raw = ctx.formParam(name);
    if (raw == null || raw.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(raw.strip()).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return Instant.parse(raw.strip());
      } catch (DateTimeParseException e2) {
        try {
          return java.time.LocalDate.parse(raw.strip())
              .atStartOfDay(java.time.ZoneOffset.UTC)
              .toInstant();
        } catch (DateTimeParseException e3) {
          throw ApiException.invalidField(name, "Enter a valid ISO 8601 date-time.");
        }
      }
    }
  }
}
