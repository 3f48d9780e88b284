package io.facesearch.mail;

/** Mail could not be handed to the SMTP server. */
public final class MailException extends RuntimeException {
  public MailException(String message, Throwable cause) {
    super(message, cause);
  }
}
