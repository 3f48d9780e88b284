package io.facesearch.bench;

import io.facesearch.align.Landmarks;
import io.facesearch.attributes.AgeGender;
import io.facesearch.detect.Detection;
import io.facesearch.embed.Embedding;
import io.facesearch.image.BgrImage;
import io.facesearch.image.ImageDecoder;
import io.facesearch.image.ImageRejectedException;
import io.facesearch.pipeline.FacePipeline;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Per-stage latency of the pipeline on one thread: decode, detect, landmarks, align, embed, age/gender, for
 * the largest face of one photo. Reports the median and the 90th percentile of each stage over the timed
 * iterations after a warm-up (JIT and ONNX Runtime's first-run allocations).
 */
public final class PipelineBenchmark {

  /**
   * Medians in milliseconds. {@code totalCpu} is the calling thread's CPU time per photo (ONNX Runtime runs a
   * single-threaded session on the caller's thread), which a busy machine inflates far less than wall time.
   */
  public record Result(
      double decode,
      double detect,
      double landmarks,
      double align,
      double embed,
      double ageGender,
      double total,
      double totalCpu) {}

  private static final String[] STAGES = {
    "decode", "detect", "landmarks", "align", "embed", "age_gender", "total"
  };

  private final FacePipeline pipeline;
  private final ImageDecoder decoder = new ImageDecoder();

  public PipelineBenchmark(FacePipeline pipeline) {
    this.pipeline = pipeline;
  }

  /** Photos analysed in full on one thread: how many, the faces found, and the time they took. */
  public record PhotosResult(int photos, int faces, double seconds, double decodeSeconds) {
    public double photosPerSecond() {
      return photos / seconds;
    }
  }

  /**
   * Every face of every photo, as a search sees them (decode, detect, then landmarks, alignment, embedding and
   * age/gender of each face), one photo after another on the calling thread, after analysing the first
   * {@code warmup} photos untimed. A photo the decoder refuses counts as a photo without faces.
   */
  public PhotosResult runOverPhotos(List<byte[]> photos, int warmup) {
    for (byte[] photo : photos.subList(0, Math.min(warmup, photos.size()))) {
      analyse(photo);
    }
    int faces = 0;
    long decodeNanos = 0;
    long start = System.nanoTime();
    for (byte[] photo : photos) {
      long d0 = System.nanoTime();
      BgrImage image;
      try {
        image = decoder.decode(photo);
      } catch (ImageRejectedException e) {
        continue;
      }
      decodeNanos += System.nanoTime() - d0;
      faces += pipeline.analyze(image, false).faces().size();
    }
    return new PhotosResult(
        photos.size(), faces, (System.nanoTime() - start) / 1e9, decodeNanos / 1e9);
  }

  private void analyse(byte[] photo) {
    try {
      pipeline.analyze(decoder.decode(photo), false);
    } catch (ImageRejectedException e) {
      // counted as a photo without faces when timed
    }
  }

  public Result run(byte[] jpeg, int warmup, int iterations, PrintStream out)
      throws ImageRejectedException {
    long[][] nanos = new long[STAGES.length][iterations];
    long[] cpu = new long[iterations];
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    for (int i = -warmup; i < iterations; i++) {
      long c0 = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      BgrImage image = decoder.decode(jpeg);
      long t1 = System.nanoTime();
      List<Detection> faces = pipeline.detector().detect(image);
      long t2 = System.nanoTime();
      if (faces.isEmpty()) {
        throw new IllegalArgumentException("the benchmark photo has no face");
      }
      Detection face = faces.getFirst();
      Landmarks landmarks = pipeline.locator().locate(image, face);
      long t3 = System.nanoTime();
      BgrImage aligned = pipeline.aligner().align(image, landmarks.fivePoints());
      long t4 = System.nanoTime();
      Embedding embedding = pipeline.embedder().embed(aligned);
      long t5 = System.nanoTime();
      AgeGender ageGender = pipeline.ageGender().estimate(image, face);
      long t6 = System.nanoTime();
      if (i >= 0) {
        long[] t = {t0, t1, t2, t3, t4, t5, t6};
        for (int s = 0; s < 6; s++) {
          nanos[s][i] = t[s + 1] - t[s];
        }
        nanos[6][i] = t6 - t0;
        cpu[i] = threads.getCurrentThreadCpuTime() - c0;
      }
      if (embedding.vector().length == 0 || ageGender.age() < -1) {
        throw new IllegalStateException("unreachable: keeps the results alive");
      }
    }
    out.printf(Locale.ROOT, "%-12s %10s %10s%n", "stage", "median_ms", "p90_ms");
    double[] medians = new double[STAGES.length];
    for (int s = 0; s < STAGES.length; s++) {
      long[] sorted = nanos[s].clone();
      Arrays.sort(sorted);
      medians[s] = sorted[iterations / 2] / 1e6;
      out.printf(
          Locale.ROOT,
          "%-12s %10.2f %10.2f%n",
          STAGES[s],
          medians[s],
          sorted[(int) (iterations * 0.9)] / 1e6);
    }
    long[] sortedCpu = cpu.clone();
    Arrays.sort(sortedCpu);
    double cpuMedian = sortedCpu[iterations / 2] / 1e6;
    out.printf(
        Locale.ROOT,
        "%-12s %10.2f %10.2f   (thread CPU time)%n",
        "total_cpu",
        cpuMedian,
        sortedCpu[(int) (iterations * 0.9)] / 1e6);
    return new Result(
        medians[0],
        medians[1],
        medians[2],
        medians[3],
        medians[4],
        medians[5],
        medians[6],
        cpuMedian);
  }
}
