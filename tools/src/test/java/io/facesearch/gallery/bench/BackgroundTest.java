package io.facesearch.gallery.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's synthetic faces and its embeddings cache. Seeds are fixed and printed. */
class BackgroundTest {

  private static final int DIMS = 64;

  /**
   * Anisotropic "real" vectors (a shared mean direction, variance concentrated in 8 of 64 axes) have a wider
   * impostor spread than uniform ones; a background fitted to them must reproduce their mean and sd of pairwise
   * cosines within 0.02, and a uniform background must have sd 1/√d within 10 %.
   */
  @Test
  void a_fitted_background_has_the_impostor_spread_of_the_vectors_it_was_fitted_to() {
    long seed = 20261127L;
    System.out.println("BackgroundTest seed=" + seed);
    SplittableRandom random = new SplittableRandom(seed);
    List<float[]> real = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      float[] v = new float[DIMS];
      for (int d = 0; d < DIMS; d++) {
        v[d] = (float) (random.nextGaussian() * (d < 8 ? 1.0 : 0.15) + (d == 0 ? 0.5 : 0));
      }
      real.add(SyntheticGalleryTruth.normalize(v));
    }
    ImpostorScores expected = ImpostorScores.of(real.subList(0, 1500));
    ImpostorScores fitted = ImpostorScores.of(Background.fittedTo(real), 1500);
    System.out.println("real " + expected.describe() + "\nfitted " + fitted.describe());
    assertEquals(expected.mean(), fitted.mean(), 0.02);
    assertEquals(expected.sd(), fitted.sd(), 0.02);

    ImpostorScores uniform = ImpostorScores.of(Background.uniform(DIMS), 1500);
    assertEquals(1 / Math.sqrt(DIMS), uniform.sd(), 0.1 / Math.sqrt(DIMS));
    assertEquals(0, uniform.mean(), 0.01);
  }

  @Test
  void background_vectors_are_unit_length_and_a_pure_function_of_their_seed() {
    List<float[]> real = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      real.add(SyntheticGalleryTruth.randomUnitVector(i, DIMS));
    }
    Background background = Background.fittedTo(real);
    float[] a = background.vector(7);
    assertArrayEquals(a, background.vector(7));
    double norm = 0;
    for (float x : a) {
      norm += x * x;
    }
    assertEquals(1, norm, 1e-5);
  }

  @Test
  void the_embeddings_cache_round_trips_and_pairs_the_first_two_photos_of_each_person(
      @TempDir Path dir) throws IOException {
    List<String> people = List.of("Ann", "Ann", "Ann", "Bob", "Cid", "Cid");
    List<float[]> vectors = new ArrayList<>();
    for (int i = 0; i < people.size(); i++) {
      vectors.add(SyntheticGalleryTruth.randomUnitVector(100 + i, DIMS));
    }
    Path file = dir.resolve("embeddings.bin");
    new LabelledEmbeddings("model-x", people, vectors).write(file);
    LabelledEmbeddings read = LabelledEmbeddings.read(file);
    assertEquals("model-x", read.modelId());
    assertEquals(people, read.people());
    for (int i = 0; i < vectors.size(); i++) {
      assertArrayEquals(vectors.get(i), read.vectors().get(i));
    }
    List<MatedPair> pairs = read.matedPairs(10);
    assertEquals(2, pairs.size(), "Ann and Cid have two photos, Bob one");
    assertArrayEquals(vectors.get(0), pairs.get(0).probe());
    assertArrayEquals(vectors.get(1), pairs.get(0).mate());
    assertArrayEquals(vectors.get(4), pairs.get(1).probe());
    assertEquals(3, read.onePerPerson().size());
  }
}
