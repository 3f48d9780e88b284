package io.facesearch.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * Temporary folders that outlive one server (a restart test opens the same data folder twice) but not the test
 * JVM: they hold test databases, keys and face images, and are deleted when the JVM exits.
 */
public final class TempFolders {

  private static final List<Path> CREATED = new CopyOnWriteArrayList<>();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> CREATED.forEach(TempFolders::deleteTree)));
  }

  private TempFolders() {}

  /** A new empty folder in the system's temporary folder, deleted with its contents when the JVM exits. */
  public static Path create(String prefix) {
    try {
      Path folder = Files.createTempDirectory(prefix);
      CREATED.add(folder);
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: a folder that cannot be read is left for the system's temporary-file cleaner
    }
  }
}
