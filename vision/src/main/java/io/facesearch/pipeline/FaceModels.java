package io.facesearch.pipeline;

import io.facesearch.onnx.OnnxModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The six ONNX models of the npm package {@code faceplugin-face-recognition-js@0.0.1}, loaded once.
 *
 * <p>{@link #locate()} finds them: the system property {@code facesearch.models}, else the environment
 * variable {@code FACESEARCH_MODELS}, else {@code ./.models}; each may name the folder holding the
 * {@code .onnx} files or the cache root that {@code build/fetch-models.sh} fills.
 */
public record FaceModels(
    OnnxModel detect,
    OnnxModel landmark,
    OnnxModel feature,
    OnnxModel age,
    OnnxModel gender,
    OnnxModel liveness)
    implements AutoCloseable {

  static final String PACKAGE_DIR = "faceplugin-face-recognition-js-0.0.1/model";

  /** Loads every model from {@code dir}; {@code intraOpThreads} per model call (1 = single-threaded). */
  public static FaceModels load(Path dir, int intraOpThreads) throws IOException {
    return load(dir, intraOpThreads, OnnxModel.Denormals.FLUSH);
  }

  /** As {@link #load(Path, int)}, choosing what happens to denormal weights (the product always flushes). */
  public static FaceModels load(Path dir, int intraOpThreads, OnnxModel.Denormals denormals)
      throws IOException {
    return new FaceModels(
        OnnxModel.load(file(dir, "fr_detect"), intraOpThreads, denormals),
        OnnxModel.load(file(dir, "fr_landmark"), intraOpThreads, denormals),
        OnnxModel.load(file(dir, "fr_feature"), intraOpThreads, denormals),
        OnnxModel.load(file(dir, "fr_age"), intraOpThreads, denormals),
        OnnxModel.load(file(dir, "fr_gender"), intraOpThreads, denormals),
        OnnxModel.load(file(dir, "fr_liveness"), intraOpThreads, denormals));
  }

  /** The folder holding the model files, per the lookup order above. */
  public static Path locate() throws IOException {
    String configured = System.getProperty("facesearch.models");
    if (configured == null || configured.isBlank()) {
      configured = System.getenv("FACESEARCH_MODELS");
    }
    Path root =
        Path.of(configured == null || configured.isBlank() ? ".models" : configured)
            .toAbsolutePath();
    for (Path candidate : new Path[] {root, root.resolve(PACKAGE_DIR)}) {
      if (Files.isRegularFile(candidate.resolve("fr_detect.onnx"))) {
        return candidate;
      }
    }
    throw new IOException(
        "face models not found under "
            + root
            + "; run build/fetch-models.sh (or ./mvnw verify) first, or set FACESEARCH_MODELS");
  }

  private static Path file(Path dir, String name) throws IOException {
    Path file = dir.resolve(name + ".onnx");
    if (!Files.isRegularFile(file)) {
      throw new IOException("missing model file " + file);
    }
    return file;
  }

  @Override
  public void close() {
    detect.close();
    landmark.close();
    feature.close();
    age.close();
    gender.close();
    liveness.close();
  }
}
