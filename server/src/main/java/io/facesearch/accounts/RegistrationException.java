package io.facesearch.accounts;

import java.util.List;
import java.util.Map;

/** Invalid registration input, keyed by field like every 400 of the API. */
public final class RegistrationException extends Exception {

  private final Map<String, List<String>> fieldErrors;

  public RegistrationException(Map<String, List<String>> fieldErrors) {
    super(fieldErrors.toString(), null, false, false);
    this.fieldErrors = fieldErrors;
  }

  public static RegistrationException of(String field, String message) {
    return new RegistrationException(Map.of(field, List.of(message)));
  }

  public Map<String, List<String>> fieldErrors() {
    return fieldErrors;
  }
}
