package io.facesearch.console;

/**
 * The page an error under {@code /console} gets when it happens outside the console's own handlers (an unknown
 * address, a wrong method, an upload the multipart parser refuses): the console's look and a way back, never
 * the API's JSON.
 */
public final class ConsoleErrorPage {

  private ConsoleErrorPage() {}

  public static String html(int status, String message) {
    return "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        + "<title>"
        + status
        + " · facesearch console</title>\n"
        + "<link rel=\"stylesheet\" href=\"/console/static/console.css\">\n</head>\n<body class=\"signin\">\n<main>\n"
        + "  <h1>facesearch console</h1>\n  <p class=\"error\" role=\"alert\">"
        + escape(message)
        + "</p>\n"
        + "  <p><a href=\"/console/sessions\">Back to the console</a></p>\n</main>\n</body>\n</html>\n";
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
