package io.facesearch.mail;

/**
 * SMTP settings from {@code FACESEARCH_SMTP_HOST}, {@code _PORT}, {@code _USER}, {@code _PASSWORD},
 * {@code _FROM}; {@link #fromEnvironment} is null when no host is configured.
 */
public record SmtpSettings(
    String host, int port, String user, String password, String from, boolean startTls) {

  public static SmtpSettings fromEnvironment() {
    String host = System.getenv("FACESEARCH_SMTP_HOST");
    if (host == null || host.isBlank()) {
      return null;
    }
    String port = System.getenv("FACESEARCH_SMTP_PORT");
    String from = System.getenv("FACESEARCH_SMTP_FROM");
    return new SmtpSettings(
        host,
        port == null || port.isBlank() ? 587 : Integer.parseInt(port),
        System.getenv("FACESEARCH_SMTP_USER"),
        System.getenv("FACESEARCH_SMTP_PASSWORD"),
        from == null || from.isBlank() ? "facesearch@" + host : from,
        !"false".equalsIgnoreCase(System.getenv("FACESEARCH_SMTP_STARTTLS")));
  }

  @Override
  public String toString() {
    return "SmtpSettings["
        + host
        + ":"
        + port
        + ", user="
        + user
        + ", from="
        + from
        + "]"; // never the password
  }
}
