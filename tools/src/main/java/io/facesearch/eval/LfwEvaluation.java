package io.facesearch.eval;

import io.facesearch.image.ImageDecoder;
import io.facesearch.image.ImageRejectedException;
import io.facesearch.pipeline.Analysis;
import io.facesearch.pipeline.FacePipeline;
import io.facesearch.search.FaceMatchScale;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Face verification on an LFW-style pairs file: embeds every image named by a pair (largest face, the rule
 * the API uses), then reports k-fold accuracy, TAR at FAR 1e-2 and 1e-3, EER and throughput.
 *
 * <p>FAR thresholds come from every impostor image pair among the embedded images (all pairs of images of
 * different people: millions, instead of the file's few hundred impostor pairs, so that FAR 1e-3 is
 * measurable); TAR is over the file's genuine pairs; EER is over the file's pairs. An image without a
 * detected face makes its pairs count as errors in the accuracy and as rejected genuine pairs in TAR.
 */
public final class LfwEvaluation {

  /** The figures of one run. */
  public record Result(
      VerificationMetrics.FoldAccuracy accuracy,
      double tarAtFar1e2,
      double tarAtFar1e3,
      float thresholdAtFar1e3,
      float thresholdAtFar1e2,
      double eer,
      int images,
      int failures,
      double imagesPerSecond,
      long impostorPairs,
      float[] sortedImpostorScores,
      FaceMatchDefault faceMatch) {

    public String summaryLine() {
      return String.format(
          Locale.ROOT,
          "accuracy=%.4f accuracy_std=%.4f tar_at_far_1e-2=%.4f tar_at_far_1e-3=%.4f eer=%.4f "
              + "threshold_at_far_1e-3=%.4f failures=%d images=%d images_per_s=%.1f",
          accuracy.mean(),
          accuracy.std(),
          tarAtFar1e2,
          tarAtFar1e3,
          eer,
          thresholdAtFar1e3,
          failures,
          images,
          imagesPerSecond);
    }
  }

  /**
   * The face-match endpoint at its default decline threshold 30 ({@link FaceMatchScale}) on the file's pairs:
   * accuracy, FMR over the file's impostor pairs and over every impostor image pair, TMR over the genuine pairs;
   * and the single cosine threshold with the best accuracy over all the file's pairs (what score 30 is set to).
   */
  public record FaceMatchDefault(
      float cosineAt30,
      double accuracy,
      double fmr,
      double fmrAllImpostors,
      double tmr,
      float bestCosine,
      double bestAccuracy) {}

  private final FacePipeline pipeline;
  private final ImageDecoder decoder = new ImageDecoder();
  private final int threads;

  public LfwEvaluation(FacePipeline pipeline, int threads) {
    this.pipeline = pipeline;
    this.threads = threads;
  }

  public Result run(Path imageDir, LfwPairs pairs, PrintStream log)
      throws IOException, InterruptedException {
    List<String> images = new ArrayList<>(pairs.images());
    long start = System.nanoTime();
    float[][] embeddings = embedAll(imageDir, images, log);
    double seconds = (System.nanoTime() - start) / 1e9;
    return score(pairs, images, embeddings, images.size() / seconds);
  }

  /** The figures from embeddings made before (e.g. {@link FaceSamples}' cache): {@code embedding} by image path. */
  public static Result run(LfwPairs pairs, java.util.function.Function<String, float[]> embedding) {
    List<String> images = new ArrayList<>(pairs.images());
    float[][] embeddings = new float[images.size()][];
    for (int i = 0; i < images.size(); i++) {
      embeddings[i] = embedding.apply(images.get(i));
    }
    return score(pairs, images, embeddings, Double.NaN);
  }

  private static Result score(
      LfwPairs pairs, List<String> images, float[][] embeddings, double imagesPerSecond) {
    int failures = 0;
    for (float[] e : embeddings) {
      if (e == null) {
        failures++;
      }
    }

    java.util.Map<String, Integer> index = new java.util.HashMap<>();
    for (int i = 0; i < images.size(); i++) {
      index.put(images.get(i), i);
    }
    int n = pairs.pairs().size();
    float[] scores = new float[n];
    boolean[] genuine = new boolean[n];
    boolean[] failed = new boolean[n];
    int[] fold = new int[n];
    List<Float> genuineScores = new ArrayList<>();
    List<Float> impostorPairScores = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      LfwPairs.Pair p = pairs.pairs().get(i);
      float[] a = embeddings[index.get(p.first())];
      float[] b = embeddings[index.get(p.second())];
      genuine[i] = p.samePerson();
      fold[i] = p.fold();
      failed[i] = a == null || b == null;
      scores[i] = failed[i] ? -1f : dot(a, b);
      (p.samePerson() ? genuineScores : impostorPairScores).add(scores[i]);
    }
    VerificationMetrics.FoldAccuracy accuracy =
        VerificationMetrics.kFoldAccuracy(scores, genuine, failed, fold, pairs.folds());

    float[] impostors = allImpostorScores(images, embeddings);
    Arrays.sort(impostors);
    float t2 = VerificationMetrics.thresholdAtFar(impostors, 1e-2);
    float t3 = VerificationMetrics.thresholdAtFar(impostors, 1e-3);
    float[] g = toArray(genuineScores);
    double eer = VerificationMetrics.equalErrorRate(g, toArray(impostorPairScores));
    float[] filePairImpostors = toArray(impostorPairScores);
    Arrays.sort(filePairImpostors);
    Arrays.sort(g);
    float c30 = FaceMatchScale.cosine(30);
    int right = 0;
    float best = -1f;
    int bestRight = -1;
    for (int i = 0; i < n; i++) {
      right += (scores[i] >= c30) == genuine[i] && !failed[i] ? 1 : 0;
    }
    for (int step = 0; step <= 600; step++) {
      float t = step / 1000f;
      int r = 0;
      for (int i = 0; i < n; i++) {
        r += (scores[i] >= t) == genuine[i] && !failed[i] ? 1 : 0;
      }
      if (r > bestRight) {
        bestRight = r;
        best = t;
      }
    }
    FaceMatchDefault faceMatch =
        new FaceMatchDefault(
            c30,
            (double) right / n,
            VerificationMetrics.acceptRate(filePairImpostors, c30),
            VerificationMetrics.acceptRate(impostors, c30),
            VerificationMetrics.acceptRate(g, c30),
            best,
            (double) bestRight / n);
    return new Result(
        accuracy,
        VerificationMetrics.acceptRate(g, t2),
        VerificationMetrics.acceptRate(g, t3),
        t3,
        t2,
        eer,
        images.size(),
        failures,
        imagesPerSecond,
        impostors.length,
        impostors,
        faceMatch);
  }

  float[][] embedAll(Path dir, List<String> images, PrintStream log) throws InterruptedException {
    float[][] out = new float[images.size()][];
    AtomicInteger done = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < images.size(); i++) {
        int k = i;
        futures.add(
            pool.submit(
                () -> {
                  out[k] = embed(dir.resolve(images.get(k)));
                  int d = done.incrementAndGet();
                  if (d % 500 == 0) {
                    log.printf("  embedded %d/%d images%n", d, images.size());
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdown();
    }
    return out;
  }

  /** The largest face's embedding, or null when the file is unreadable or has no face. */
  private float[] embed(Path file) {
    try {
      Analysis analysis = pipeline.analyze(decoder.decode(Files.readAllBytes(file)), false);
      return analysis.hasFace() ? analysis.largestFace().embedding().vector() : null;
    } catch (IOException | ImageRejectedException e) {
      return null;
    }
  }

  static float[] allImpostorScores(List<String> images, float[][] embeddings) {
    return allImpostorScores(images, embeddings, (a, b) -> false);
  }

  /** Every pair of images of two different people, less the pairs of people that {@code skip} names. */
  static float[] allImpostorScores(
      List<String> images,
      float[][] embeddings,
      java.util.function.BiPredicate<String, String> skip) {
    int m = images.size();
    String[] person = new String[m];
    for (int i = 0; i < m; i++) {
      person[i] = LfwPairs.person(images.get(i));
    }
    int count = 0;
    for (int i = 0; i < m; i++) {
      for (int j = i + 1; j < m; j++) {
        if (embeddings[i] != null
            && embeddings[j] != null
            && !person[i].equals(person[j])
            && !skip.test(person[i], person[j])) {
          count++;
        }
      }
    }
    float[] scores = new float[count];
    int k = 0;
    for (int i = 0; i < m; i++) {
      for (int j = i + 1; j < m; j++) {
        if (embeddings[i] != null
            && embeddings[j] != null
            && !person[i].equals(person[j])
            && !skip.test(person[i], person[j])) {
          scores[k++] = dot(embeddings[i], embeddings[j]);
        }
      }
    }
    return scores;
  }

  private static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static float[] toArray(List<Float> values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }
}
