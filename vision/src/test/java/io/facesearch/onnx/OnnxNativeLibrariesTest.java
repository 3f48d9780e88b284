package io.facesearch.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facesearch.pipeline.SharedPipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 20, finding 5: ONNX Runtime's 22 MB native library is not unpacked into a new /tmp folder at every start
 * (a kill -9 never removed them): it is loaded from one fixed cache folder.
 */
class OnnxNativeLibrariesTest {

  @Test
  void the_native_library_is_loaded_from_one_fixed_folder_not_a_new_temporary_one()
      throws IOException {
    SharedPipeline.get(); // ONNX Runtime loaded
    String folder = System.getProperty(OnnxNativeLibraries.PROPERTY);
    assertTrue(
        folder != null && folder.contains("facesearch"), "onnxruntime.native.path = " + folder);
    assertTrue(Files.size(Path.of(folder, System.mapLibraryName("onnxruntime"))) > 1_000_000);
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    List<Path> unpackedHere;
    try (Stream<Path> s = Files.list(tmp)) {
      unpackedHere =
          s.filter(p -> p.getFileName().toString().startsWith("onnxruntime-java"))
              .filter(p -> Files.exists(p.resolve(System.mapLibraryName("onnxruntime"))))
              .toList();
    }
    long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
    List<Path> mine =
        unpackedHere.stream()
            .filter(
                p -> {
                  try {
                    return Files.getLastModifiedTime(p).toMillis() >= jvmStart;
                  } catch (IOException gone) {
                    return false;
                  }
                })
            .toList();
    assertEquals(List.of(), mine, "native library unpacked into " + tmp + " by this JVM");
  }
}
