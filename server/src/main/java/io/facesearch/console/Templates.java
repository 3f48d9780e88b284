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
 * folder {@code facesearch-jte-<pid>-*} (deleted at exit; folders of processes no longer alive, left by a kill -9,
 * are deleted at the next start); {@link ContentType#Html} escapes every expression for its context.
 */
final class Templates {

  private final TemplateEngine engine;

  Templates() {
    Path classes;
    try {
      Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
      deleteFoldersOfDeadProcesses(tmp);
      classes = Files.createTempDirectory(tmp, PREFIX + ProcessHandle.current().pid() + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path compiled = classes;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(compiled), "jte-cleanup"));
    ClassLoader loader = Templates.class.getClassLoader();
    engine =
        TemplateEngine.create(
            new ResourceCodeResolver("console", loader), classes, ContentType.Html, loader);
  }

  /** Renders {@code name} (e.g. "sessions.jte") with its single parameter, a view model record. */
  String render(String name, Record model) {
    StringOutput out = new StringOutput();
    engine.render(name, model, out);
    return out.toString();
  }

  private static final String PREFIX = "facesearch-jte-";

  private static void deleteFoldersOfDeadProcesses(Path tmp) {
    try (var folders = Files.list(tmp)) {
      for (Path f : folders.toList()) {
        String name = f.getFileName().toString();
        String pid =
            name.startsWith(PREFIX) ? name.substring(PREFIX.length()).replaceFirst("-.*", "") : "";
        if (pid.matches("\\d{1,10}") && ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
          deleteTree(f);
        }
      }
    } catch (IOException | RuntimeException e) {
      // best effort
    }
  }

  private static void deleteTree(Path root) {
    try (var files = Files.walk(root)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: it is a temporary folder
    }
  }
}
