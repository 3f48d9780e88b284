package io.facesearch.cli;

/** A mistake of the person running a command: printed as one line ({@code error: ...}), exit code 2. */
final class UserError extends RuntimeException {

  UserError(String message) {
    super(message, null, false, false);
  }
}
