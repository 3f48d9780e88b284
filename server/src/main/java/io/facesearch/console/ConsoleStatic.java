package io.facesearch.console;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** The console's two static files (CSS and JavaScript), from the class path. */
final class ConsoleStatic {

  private static final Map<String, String> FILES =
      Map.of(
          "console.css", "text/css; charset=utf-8",
          "console.js", "text/javascript; charset=utf-8");

  private ConsoleStatic() {}

  static void serve(Context ctx) {
    String file = ctx.pathParam("file");
    String type = FILES.get(file);
    if (type == null) {
      ctx.status(404).contentType("text/plain; charset=utf-8").result("Not found.");
      return;
    }
    try (InputStream in = ConsoleStatic.class.getResourceAsStream("/console/static/" + file)) {
      if (in == null) {
        ctx.status(404).contentType("text/plain; charset=utf-8").result("Not found.");
        return;
      }
      ctx.header("Cache-Control", "max-age=300").header("X-Content-Type-Options", "nosniff");
      ctx.contentType(type).result(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
