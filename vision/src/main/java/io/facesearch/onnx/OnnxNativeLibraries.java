package io.facesearch.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives ONNX Runtime a fixed folder for its native libraries.
 *
 * <p>By default ONNX Runtime Java unpacks its 22 MB native library into a new {@code /tmp/onnxruntime-java*}
 * folder at every start and removes it only at a clean exit, so every kill -9 left one behind (17 folders, 370 MB
 * after a day of crashes). Here the libraries are unpacked once into
 * {@code $XDG_CACHE_HOME/facesearch/onnxruntime-<version>/} (else {@code ~/.cache/...}), written atomically, and
 * ONNX Runtime is pointed at them with its documented system property {@code onnxruntime.native.path}. A
 * property set by the operator wins; when no cache folder can be written, ONNX Runtime's default applies.
 */
public final class OnnxNativeLibraries {

  private static final Logger LOG = LoggerFactory.getLogger(OnnxNativeLibraries.class);
  static final String PROPERTY = "onnxruntime.native.path";
  private static final String[] LIBRARIES = {"onnxruntime", "onnxruntime4j_jni"};
  private static boolean prepared;

  private OnnxNativeLibraries() {}

  /** Before ONNX Runtime first loads: sets {@value #PROPERTY} to the cache folder, unpacking into it if needed. */
  public static synchronized void prepare() {
    if (prepared) {
      return;
    }
    prepared = true;
    if (System.getProperty(PROPERTY) != null) {
      return;
    }
    String platform = platform();
    try {
      URL main = resource(platform, LIBRARIES[0]);
      if (main == null) {
        return; // not a platform the jar carries: let ONNX Runtime decide
      }
      URLConnection c = main.openConnection();
      String version = ai.onnxruntime.OrtEnvironment.class.getPackage().getImplementationVersion();
      String tag = (version != null ? version : "size" + c.getContentLengthLong()) + "-" + platform;
      Path folder = cacheRoot().resolve("facesearch").resolve("onnxruntime-" + tag);
      Files.createDirectories(folder);
      for (String library : LIBRARIES) {
        unpack(resource(platform, library), folder.resolve(System.mapLibraryName(library)));
      }
      System.setProperty(PROPERTY, folder.toString());
      deleteEmptyTemporaryFolders();
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "cannot unpack ONNX Runtime's native libraries to a cache folder ({}); it will use a temporary one",
          e.getMessage());
    }
  }

  /**
   * ONNX Runtime still creates an (now empty) {@code onnxruntime-java*} folder per start and removes it only at
   * exit; empty ones older than a minute are left over from a kill -9 and are removed here.
   */
  private static void deleteEmptyTemporaryFolders() {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    long minuteAgo = System.currentTimeMillis() - 60_000;
    try (var folders = Files.newDirectoryStream(tmp, "onnxruntime-java*")) {
      for (Path f : folders) {
        try (var content = Files.list(f)) {
          if (Files.isDirectory(f)
              && content.findAny().isEmpty()
              && Files.getLastModifiedTime(f).toMillis() < minuteAgo) {
            Files.deleteIfExists(f);
          }
        } catch (IOException | RuntimeException e) {
          // another process's folder, in use or gone: leave it
        }
      }
    } catch (IOException | RuntimeException e) {
      // best effort
    }
  }

  private static URL resource(String platform, String library) {
    return OnnxNativeLibraries.class.getResource(
        "/ai/onnxruntime/native/" + platform + "/" + System.mapLibraryName(library));
  }

  private static void unpack(URL from, Path to) throws IOException {
    if (from == null) {
      return;
    }
    long size = from.openConnection().getContentLengthLong();
    if (Files.isRegularFile(to) && Files.size(to) == size) {
      return;
    }
    Path tmp = Files.createTempFile(to.getParent(), to.getFileName().toString(), ".part");
    try (InputStream in = from.openStream()) {
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static Path cacheRoot() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg);
    }
    return Path.of(System.getProperty("user.home"), ".cache");
  }

  /** ONNX Runtime's folder name for this platform, e.g. linux-x64 or osx-aarch64. */
  private static String platform() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    String o =
        os.contains("linux")
            ? "linux"
            : os.contains("mac") ? "osx" : os.contains("win") ? "win" : os;
    String a =
        arch.equals("amd64") || arch.equals("x86_64")
            ? "x64"
            : arch.equals("arm64") ? "aarch64" : arch;
    return o + "-" + a;
  }
}
