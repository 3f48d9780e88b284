package io.facesearch.api;

import java.util.List;
import java.util.Map;

/**
 * An error answered to the client, in one of Didit's two error shapes: field-keyed
 * ({@code {"user_image": ["This field is required."]}}) for invalid input, or {@code {"detail": "..."}}.
 * Thrown from handlers; {@link FaceSearchApp} maps it to the response in one place.
 */
public final class ApiException extends RuntimeException {

  private final int status;
  private final Map<String, List<String>> fieldErrors;

  private ApiException(int status, String detail, Map<String, List<String>> fieldErrors) {
    super(detail, null, false, false);
    this.status = status;
    this.fieldErrors = fieldErrors;
  }

  /** 400 with a message for one field. */
  public static ApiException invalidField(String field, String message) {
    return new ApiException(400, message, Map.of(field, List.of(message)));
  }

  /** 400 with {@code {"detail": ...}}. */
  public static ApiException badRequest(String detail) {
    return new ApiException(400, detail, null);
  }

  public static ApiException unauthorized(String detail) {
    return new ApiException(401, detail, null);
  }

  public static ApiException forbidden(String detail) {
    return new ApiException(403, detail, null);
  }

  public static ApiException tooManyRequests(String detail) {
    return new ApiException(429, detail, null);
  }

  /** 400 with several fields' messages. */
  public static ApiException invalidFields(Map<String, List<String>> errors) {
    return new ApiException(400, errors.toString(), errors);
  }

  public static ApiException notFound(String detail) {
    return new ApiException(404, detail, null);
  }

  public int status() {
    return status;
  }

  /** The body: field-keyed messages, or {@code detail}. */
  public Map<String, ?> body() {
    return fieldErrors != null ? fieldErrors : Map.of("detail", getMessage());
  }
}
