package io.facesearch.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facesearch.detect.Detection;
import io.facesearch.embed.FaceEmbedder;
import io.facesearch.image.BgrImage;
import io.facesearch.image.ImageDecoder;
import io.facesearch.pipeline.Face;
import io.facesearch.pipeline.FaceModels;
import io.facesearch.pipeline.FacePipeline;
import io.facesearch.pipeline.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Zeroing the models' denormal weights (done for speed on Intel cores, see {@link DenormalWeights}) must not
 * change what the pipeline says about a face: on every lfw-dev photo the same faces are found and the largest
 * face's embedding keeps a cosine of at least 0.9999 with the one made by the unflushed models.
 */
class DenormalFlushTest {

  private static final float MIN_COSINE = 0.9999f;

  @Test
  void flushing_zeroes_exactly_the_denormal_weights_and_is_idempotent() throws Exception {
    // Counts from an independent parser (Python, numpy): values != 0 with |v| < Float.MIN_NORMAL.
    String[] models = {
      "fr_detect", "fr_landmark", "fr_feature", "fr_age", "fr_gender", "fr_liveness"
    };
    int[] expected = {0, 26_567, 8_938, 3_308, 13_331, 0};
    for (int i = 0; i < models.length; i++) {
      byte[] bytes = Files.readAllBytes(FaceModels.locate().resolve(models[i] + ".onnx"));
      assertEquals(expected[i], DenormalWeights.flush(bytes), models[i]);
      assertEquals(0, DenormalWeights.flush(bytes), models[i] + " flushed twice");
    }
  }

  @Test
  void flushed_models_embed_every_lfw_dev_photo_as_the_original_models_do() throws Exception {
    Path root = TestData.file("lfw-dev/images");
    List<Path> photos;
    try (Stream<Path> files = Files.walk(root)) {
      photos = files.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
    }
    assertTrue(photos.size() > 6000, "lfw-dev holds 6,144 photos, found " + photos.size());
    try (FacePipeline flushed = pipeline(OnnxModel.Denormals.FLUSH);
        FacePipeline kept = pipeline(OnnxModel.Denormals.KEEP)) {
      int threads = Runtime.getRuntime().availableProcessors();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<Comparison>> futures = new ArrayList<>();
        for (Path photo : photos) {
          futures.add(pool.submit(() -> compare(photo, flushed, kept)));
        }
        float worst = 1f;
        Path worstPhoto = null;
        int faces = 0;
        double maxAgeChange = 0;
        for (Future<Comparison> future : futures) {
          Comparison c = future.get();
          assertEquals(c.keptFaces(), c.flushedFaces(), "faces found in " + c.photo());
          if (c.flushedFaces() > 0) {
            faces++;
            maxAgeChange = Math.max(maxAgeChange, c.ageChange());
            if (c.cosine() < worst) {
              worst = c.cosine();
              worstPhoto = c.photo();
            }
          }
        }
        System.out.printf(
            Locale.ROOT,
            "DenormalFlushTest: %d photos, %d with a face, lowest cosine %.7f (%s), "
                + "largest age change %.4f years%n",
            photos.size(),
            faces,
            worst,
            worstPhoto,
            maxAgeChange);
        assertTrue(faces > 6000, "faces found in " + faces + " photos");
        assertTrue(
            worst >= MIN_COSINE, "cosine " + worst + " < " + MIN_COSINE + " on " + worstPhoto);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private record Comparison(
      Path photo, int flushedFaces, int keptFaces, float cosine, double ageChange) {}

  private static Comparison compare(Path photo, FacePipeline flushed, FacePipeline kept)
      throws Exception {
    BgrImage image = new ImageDecoder().decode(Files.readAllBytes(photo));
    List<Detection> a = flushed.detector().detect(image);
    List<Detection> b = kept.detector().detect(image);
    if (a.isEmpty() || b.isEmpty()) {
      return new Comparison(photo, a.size(), b.size(), 1f, 0);
    }
    Face fa = flushed.describe(image, a.getFirst());
    Face fb = kept.describe(image, b.getFirst());
    return new Comparison(
        photo,
        a.size(),
        b.size(),
        fa.embedding().similarity(fb.embedding()),
        Math.abs(fa.ageGender().age() - fb.ageGender().age()));
  }

  private static FacePipeline pipeline(OnnxModel.Denormals denormals) throws Exception {
    return new FacePipeline(
        FaceModels.load(FaceModels.locate(), 1, denormals), FaceEmbedder.ChannelOrder.BGR, false);
  }
}
