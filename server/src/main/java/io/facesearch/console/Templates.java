package io.facesearch.console;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import gg.jte.resolve.ResourceCodeResolver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The jte templates under {@code console/} on the class path, compiled on first use into a private temporary
 * folder (deleted at exit); {@link ContentType#Html} escapes every expression for its context.
 */
final class Templates {

  private final TemplateEngine engine;

  Templates() {
    Path classes;
    try {
      classes = Files.createTempDirectory("facesearch-jte");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path compiled = classes;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(compiled), "jte-cleanup"));
    ClassLoader loader = Templates.class.getClassLoader();
    engine = TemplateEngine.create(new ResourceCodeResolver("console", loader), classes, ContentType.Html, loader);
  }

  /** Renders {@code name} (e.g. "sessions.jte") with its single parameter, a view model record. */
  String render(String name, Record model) {
    StringOutput out = new StringOutput();
    engine.render(name, model, out);
    return out.toString();
  }

  private static void deleteTree(Path root) {
    try (var files = Files.walk(root)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: it is a temporary folder
    }
  }
}
