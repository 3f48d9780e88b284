package io.facesearch.bench;

import io.facesearch.accounts.Application;
import io.facesearch.api.Services;
import io.facesearch.detect.Detection;
import io.facesearch.gallery.GalleryFilter;
import io.facesearch.gallery.GalleryMatch;
import io.facesearch.gallery.GalleryQuery;
import io.facesearch.image.BgrImage;
import io.facesearch.image.ImageDecoder;
import io.facesearch.image.ImageRejectedException;
import io.facesearch.pipeline.Face;
import io.facesearch.pipeline.FacePipeline;
import io.facesearch.search.SearchType;
import io.facesearch.search.SimilarityScale;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where the time of one face search goes, measured in process on one thread, stage by stage, with the same calls
 * the HTTP handler makes: API key lookup, JPEG decode, detection, per-face description (landmarks, alignment,
 * embedding, age and gender) for up to {@link FacePipeline#MAX_FACES} faces, the gallery search and the session
 * lookup of the matches. {@code service_search} is {@code FaceSearchService.search} as a whole (everything but
 * auth, decode and JSON) as a cross-check of the sum. Each stage is timed by the wall clock and by the thread's CPU
 * clock: on a busy machine the difference is time spent waiting for a core.
 */
public final class SearchStageProfiler {

  /** The stages, in request order. */
  public static final List<String> STAGES =
      List.of("auth", "decode", "detect", "describe_faces", "gallery_search", "session_lookup", "service_search");

  /** Gallery matches fetched per search, as {@code FaceSearchService} counts them for total_matches. */
  private static final int GALLERY_K = 100;

  /**
   * Stage latencies over the sampled photos.
   *
   * @param stages       wall-clock time, one sample per entry of {@link #STAGES}
   * @param stagesCpu    the thread's CPU time, one sample per entry of {@link #STAGES}
   * @param meanFaces    faces analysed per photo, on average
   */
  public record Profile(List<LatencySample> stages, List<LatencySample> stagesCpu, double meanFaces) {
    /** Median of the stages auth to session_lookup, in milliseconds. */
    public double sumOfMediansMs() {
      double sum = 0;
      for (int s = 0; s < STAGES.size() - 1; s++) {
        sum += stages.get(s).medianMs();
      }
      return sum;
    }

    public void print(PrintStream out) {
      out.printf(Locale.ROOT, "%-16s %10s %10s %10s %13s%n", "stage", "median_ms", "mean_ms", "p90_ms",
          "cpu_median_ms");
      for (int s = 0; s < STAGES.size(); s++) {
        LatencySample l = stages.get(s);
        out.printf(Locale.ROOT, "%-16s %10.2f %10.2f %10.2f %13.2f%n", STAGES.get(s), l.medianMs(), l.meanMs(),
            l.percentileMs(90), stagesCpu.get(s).medianMs());
      }
      out.printf(Locale.ROOT, "faces analysed per photo: %.2f on average; sum of stage medians without "
          + "service_search: %.1f ms%n", meanFaces, sumOfMediansMs());
    }
  }

  private final Services services;
  private final ImageDecoder decoder = new ImageDecoder();

  public SearchStageProfiler(Services services) {
    this.services = services;
  }

  /** Profiles the first {@code samples} photos (cycling if there are fewer) after {@code warmup} untimed ones. */
  public Profile run(Application app, String apiKey, List<byte[]> jpegs, int warmup, int samples)
      throws ImageRejectedException {
    long[][] nanos = new long[STAGES.size()][samples];
    long[][] cpuNanos = new long[STAGES.size()][samples];
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long faces = 0;
    FacePipeline pipeline = services.pipeline();
    GalleryFilter filter = new GalleryFilter(app.id(), false, Set.of());
    float minCosine = new io.facesearch.search.GallerySearch(services.gallery()).threshold(app.id(), app.settings(),
        io.facesearch.search.SearchType.MOST_SIMILAR).cosine();
    for (int i = -warmup; i < samples; i++) {
      byte[] jpeg = jpegs.get(Math.floorMod(i, jpegs.size()));
      long t0 = System.nanoTime();
      long c0 = threads.getCurrentThreadCpuTime();
      if (services.accounts().authenticate(apiKey).isEmpty()) {
        throw new IllegalStateException("the benchmark's API key does not authenticate");
      }
      long t1 = System.nanoTime();
      long c1 = threads.getCurrentThreadCpuTime();
      BgrImage image = decoder.decode(jpeg);
      long t2 = System.nanoTime();
      long c2 = threads.getCurrentThreadCpuTime();
      List<Detection> detections = pipeline.detector().detect(image);
      long t3 = System.nanoTime();
      long c3 = threads.getCurrentThreadCpuTime();
      int described = Math.min(FacePipeline.MAX_FACES, detections.size());
      Face largest = null;
      for (int f = 0; f < described; f++) {
        Face face = pipeline.describe(image, detections.get(f));
        largest = f == 0 ? face : largest;
      }
      long t4 = System.nanoTime();
      long c4 = threads.getCurrentThreadCpuTime();
      List<GalleryMatch> found = largest == null ? List.of()
          : services.gallery().search(new GalleryQuery(largest.embedding().vector(),
              largest.embedding().modelId(), GALLERY_K, minCosine, filter));
      long t5 = System.nanoTime();
      long c5 = threads.getCurrentThreadCpuTime();
      List<String> sessionIds = found.stream().map(GalleryMatch::sessionId).distinct().toList();
      int sessionsFound = services.db().withReadConnection(c -> services.sessions().findAll(c, app.id(), sessionIds)).size();
      long t6 = System.nanoTime();
      long c6 = threads.getCurrentThreadCpuTime();
      services.search().search(app, image, SearchType.MOST_SIMILAR, false);
      long t7 = System.nanoTime();
      long c7 = threads.getCurrentThreadCpuTime();
      if (sessionsFound > found.size()) {
        throw new IllegalStateException("more sessions than matches");
      }
      if (i >= 0) {
        long[] t = {t0, t1, t2, t3, t4, t5, t6, t7};
        long[] c = {c0, c1, c2, c3, c4, c5, c6, c7};
        for (int s = 0; s < STAGES.size(); s++) {
          nanos[s][i] = t[s + 1] - t[s];
          cpuNanos[s][i] = c[s + 1] - c[s];
        }
        faces += described;
      }
    }
    return new Profile(samplesOf(nanos), samplesOf(cpuNanos), (double) faces / samples);
  }

  private static List<LatencySample> samplesOf(long[][] nanosPerStage) {
    List<LatencySample> stages = new ArrayList<>(nanosPerStage.length);
    for (long[] stage : nanosPerStage) {
      stages.add(new LatencySample(stage, stage.length));
    }
    return List.copyOf(stages);
  }
}
