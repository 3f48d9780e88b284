package io.facesearch.eval;

import io.facesearch.accounts.AppSettings;
import io.facesearch.embed.Embedding;
import io.facesearch.gallery.FaceSource;
import io.facesearch.gallery.Gallery;
import io.facesearch.gallery.GalleryMatch;
import io.facesearch.gallery.StoredFace;
import io.facesearch.search.Decision;
import io.facesearch.search.GallerySearch;
import io.facesearch.search.MatchThreshold;
import io.facesearch.search.SearchType;
import io.facesearch.sessions.SessionStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Open-set 1:N identification on LFW-style folders, the protocol of face-recognition evaluations (NIST FRVT 1:N):
 * the gallery is one photo per person of a seeded random share of the people; a mated probe is another photo of an
 * enrolled person, a non-mated probe a photo of a person kept out of the gallery.
 *
 * <p>Searches run through the product's own code: its {@link Gallery} (given, e.g. a {@code LuceneGallery}), its
 * candidate selection and threshold ({@link GallerySearch}, {@link MatchThreshold}) and its {@link Decision}, with
 * the application settings given (the defaults unless an experiment says otherwise).
 */
public final class OpenSetIdentification {

  /** The model id of the eval's gallery faces and probes (one pipeline makes both). */
  private static final String EVAL_MODEL = "eval";

  /** FPIR values at which FNIR is reported. */
  public static final double[] FPIRS = {1e-1, 1e-2, 1e-3};
  /** Gallery sizes of the projection. */
  public static final long[] PROJECTED_SIZES = {10_000, 100_000, 1_000_000, 10_000_000};

  /** Options of one run. */
  public record Options(long seed, double galleryShare, boolean flip, QualityGate qualityGate, double hubWeight,
                        AppSettings settings) {}

  /**
   * A probe-quality gate: a probe whose face is narrower than {@code minWidth} pixels, less sharp than
   * {@code minSharpness} or turned more than {@code maxYaw} is not matched below {@link Decision#CERTAIN_PERCENTAGE};
   * it gets a quality warning instead. {@code null}: no gate.
   */
  public record QualityGate(float minWidth, float minSharpness, float maxYaw) {}

  /** One point of the DET curve. */
  public record DetPoint(float threshold, double fpir, double fnir) {}

  /** A projected figure for a larger gallery. */
  public record Projection(long gallerySize, double thresholdPercentage, double newUserReviewRate,
                           double duplicateCatchRate) {}

  /** The figures of one run. */
  public record Result(int gallery, int mated, int nonMated, double rank1, double[] fnirAtFpir,
                       MatchThreshold threshold, double newUserReviewRate, double duplicateCatchRate,
                       int gatedProbes, List<DetPoint> det, long impostorPairs, double tailSlope,
                       List<Projection> projections) {}

  private final Options options;

  public OpenSetIdentification(Options options) {
    this.options = options;
  }

  public Result run(List<FaceSamples.Sample> samples, Gallery gallery, String applicationId) {
    Random random = new Random(options.seed());
    Map<String, List<FaceSamples.Sample>> byPerson = FaceSamples.byPerson(
        samples.stream().filter(FaceSamples.Sample::hasFace).toList());
    List<String> people = new ArrayList<>(byPerson.keySet());
    Collections.shuffle(people, random);
    int enrolled = (int) Math.round(people.size() * options.galleryShare());
    List<FaceSamples.Sample> galleryFaces = new ArrayList<>();
    List<FaceSamples.Sample> mated = new ArrayList<>();
    List<FaceSamples.Sample> nonMated = new ArrayList<>();
    for (int i = 0; i < people.size(); i++) {
      List<FaceSamples.Sample> photos = new ArrayList<>(byPerson.get(people.get(i)));
      Collections.shuffle(photos, random);
      if (i < enrolled) {
        galleryFaces.add(photos.get(0));
        if (photos.size() > 1) {
          mated.add(photos.get(1));
        }
      } else {
        nonMated.add(photos.get(0));
      }
    }
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    float[][] g = new float[galleryFaces.size()][];
    for (int i = 0; i < galleryFaces.size(); i++) {
      FaceSamples.Sample s = galleryFaces.get(i);
      g[i] = s.embedding(options.flip());
      // session id = the person: a match is right when it names the probe's person
      gallery.add(new StoredFace("face-" + i, applicationId, s.person(), FaceSource.IMPORTED, false, false, true, true,
          EVAL_MODEL, now, g[i]));
    }
    double[] hubShift = hubShift(g);

    // Scores: every probe against every gallery face (exact dot products, the gallery's own similarity).
    float[] mateScore = new float[mated.size()];
    boolean[] mateFirst = new boolean[mated.size()];
    float[] nonMatedTop = new float[nonMated.size()];
    float[] imp = new float[mated.size() * Math.max(0, g.length - 1) + nonMated.size() * g.length];
    int impostors = 0;
    for (int p = 0; p < mated.size(); p++) {
      float[] v = mated.get(p).embedding(options.flip());
      float best = -2f;
      int bestIndex = -1;
      for (int j = 0; j < g.length; j++) {
        float s = score(v, g[j], hubShift[j]);
        if (s > best) {
          best = s;
          bestIndex = j;
        }
        if (galleryFaces.get(j).person().equals(mated.get(p).person())) {
          mateScore[p] = s;
        } else {
          imp[impostors++] = s;
        }
      }
      mateFirst[p] = galleryFaces.get(bestIndex).person().equals(mated.get(p).person());
    }
    for (int p = 0; p < nonMated.size(); p++) {
      float[] v = nonMated.get(p).embedding(options.flip());
      float best = -2f;
      for (int j = 0; j < g.length; j++) {
        float s = score(v, g[j], hubShift[j]);
        best = Math.max(best, s);
        imp[impostors++] = s;
      }
      nonMatedTop[p] = best;
    }
    int rank1 = 0;
    for (boolean b : mateFirst) {
      rank1 += b ? 1 : 0;
    }
    float[] sortedTop = nonMatedTop.clone();
    Arrays.sort(sortedTop);
    double[] fnir = new double[FPIRS.length];
    for (int i = 0; i < FPIRS.length; i++) {
      fnir[i] = fnirAt(VerificationMetrics.thresholdAtFar(sortedTop, FPIRS[i]), mateScore, mateFirst);
    }
    List<DetPoint> det = det(sortedTop, mateScore, mateFirst);

    // The product's decision at its default settings (or the experiment's), through its gallery and its rules.
    AppSettings settings = options.settings();
    GallerySearch search = new GallerySearch(gallery);
    MatchThreshold threshold = search.threshold(applicationId, settings, SearchType.MOST_SIMILAR);
    int reviewed = 0;
    int gated = 0;
    for (FaceSamples.Sample s : nonMated) {
      Decision.Outcome o = decide(search, applicationId, settings, s);
      reviewed += o.status() != SessionStatus.APPROVED ? 1 : 0;
      gated += gated(s) ? 1 : 0;
    }
    int caught = 0;
    for (FaceSamples.Sample s : mated) {
      gated += gated(s) ? 1 : 0;
      List<GalleryMatch> found = matches(search, applicationId, settings, s);
      Decision.Outcome o = Decision.decide(1, settings.allowMultipleFaces(), found);
      if (o.status() != SessionStatus.APPROVED && !found.isEmpty() && found.get(0).sessionId().equals(s.person())) {
        caught++;
      }
    }

    // Projection to larger galleries from this run's impostor tail.
    imp = Arrays.copyOf(imp, impostors);
    Arrays.sort(imp);
    Tail tail = Tail.fit(imp);
    List<Projection> projections = new ArrayList<>();
    for (long n : PROJECTED_SIZES) {
      MatchThreshold t = MatchThreshold.of(settings.similarityThreshold(), settings.targetReviewRate(), n);
      float c = t.cosine();
      double review = -Math.expm1(n * Math.log1p(-Math.min(tail.fmrAt(c), 1 - 1e-12)));
      double catchSum = 0;
      for (int p = 0; p < mated.size(); p++) {
        if (mateFirst[p] && mateScore[p] >= c) {
          // the mate leads unless one of the other n faces scores above it
          catchSum += Math.exp(n * Math.log1p(-Math.min(tail.fmrAt(mateScore[p]), 1 - 1e-12)));
        }
      }
      projections.add(new Projection(n, t.percentage(), review, catchSum / mated.size()));
    }
    return new Result(galleryFaces.size(), mated.size(), nonMated.size(), (double) rank1 / mated.size(), fnir,
        threshold, (double) reviewed / nonMated.size(), (double) caught / mated.size(), gated, det, imp.length,
        tail.cosinePerDecade(), projections);
  }

  private Decision.Outcome decide(GallerySearch search, String app, AppSettings settings, FaceSamples.Sample s) {
    return Decision.decide(1, settings.allowMultipleFaces(), matches(search, app, settings, s));
  }

  /** The product's matches of one probe, less the weak ones of a probe that fails the quality gate. */
  private List<GalleryMatch> matches(GallerySearch search, String app, AppSettings settings, FaceSamples.Sample s) {
    List<GalleryMatch> found = search.search(app, settings, SearchType.MOST_SIMILAR,
        new Embedding(s.embedding(options.flip()), EVAL_MODEL))
        .matches();
    if (gated(s)) {
      float certain = io.facesearch.search.SimilarityScale.cosine(Decision.CERTAIN_PERCENTAGE);
      found = found.stream().filter(m -> m.similarity() >= certain).toList();
    }
    return found;
  }

  private boolean gated(FaceSamples.Sample s) {
    QualityGate q = options.qualityGate();
    return q != null && (s.quality().faceWidth() < q.minWidth() || s.quality().sharpness() < q.minSharpness()
        || Math.abs(s.quality().yaw()) > q.maxYaw());
  }

  private static float score(float[] probe, float[] face, double shift) {
    float s = 0;
    for (int i = 0; i < probe.length; i++) {
      s += probe[i] * face[i];
    }
    return (float) (s - shift);
  }

  /**
   * Gallery-side hub normalisation: a face that resembles many others (a hub) gets its scores lowered by
   * {@code hubWeight} x (its mean top-10 similarity to the other gallery faces minus the gallery's median of that).
   */
  private double[] hubShift(float[][] g) {
    double[] shift = new double[g.length];
    if (options.hubWeight() == 0) {
      return shift;
    }
    int k = Math.min(10, g.length - 1);
    double[] hub = new double[g.length];
    for (int i = 0; i < g.length; i++) {
      float[] sims = new float[g.length - 1];
      int n = 0;
      for (int j = 0; j < g.length; j++) {
        if (j != i) {
          sims[n++] = score(g[i], g[j], 0);
        }
      }
      Arrays.sort(sims);
      double sum = 0;
      for (int t = 0; t < k; t++) {
        sum += sims[sims.length - 1 - t];
      }
      hub[i] = sum / k;
    }
    double[] sorted = hub.clone();
    Arrays.sort(sorted);
    double median = sorted[sorted.length / 2];
    for (int i = 0; i < g.length; i++) {
      shift[i] = options.hubWeight() * (hub[i] - median);
    }
    return shift;
  }

  static double fnirAt(float threshold, float[] mateScore, boolean[] mateFirst) {
    int missed = 0;
    for (int p = 0; p < mateScore.length; p++) {
      if (!mateFirst[p] || mateScore[p] < threshold) {
        missed++;
      }
    }
    return (double) missed / mateScore.length;
  }

  /** The DET curve at every score of a non-mated probe's best match and of a mated probe's mate. */
  private static List<DetPoint> det(float[] sortedTop, float[] mateScore, boolean[] mateFirst) {
    List<DetPoint> points = new ArrayList<>();
    float[] thresholds = Arrays.copyOf(sortedTop, sortedTop.length + mateScore.length);
    System.arraycopy(mateScore, 0, thresholds, sortedTop.length, mateScore.length);
    Arrays.sort(thresholds);
    for (float t : thresholds) {
      double fpir = 1.0 - (double) VerificationMetrics.countBelow(sortedTop, t) / sortedTop.length;
      points.add(new DetPoint(t, fpir, fnirAt(t, mateScore, mateFirst)));
    }
    return points;
  }

  /**
   * The impostor tail of a run: the measured pairwise FMR down to the rate that about 30 pairs still make, and
   * below it an exponential tail (log10 FMR linear in the cosine) fitted between FMR 1e-3 and that rate.
   */
  record Tail(float[] sorted, float fitFrom, double fitLogFrom, double cosinePerDecade) {

    static Tail fit(float[] sorted) {
      double lowest = Math.max(1e-6, 30.0 / sorted.length);
      float c3 = VerificationMetrics.thresholdAtFar(sorted, 1e-3);
      float cLow = VerificationMetrics.thresholdAtFar(sorted, lowest);
      double perDecade = (cLow - c3) / (Math.log10(1e-3) - Math.log10(lowest));
      return new Tail(sorted, cLow, Math.log10(lowest), perDecade);
    }

    double fmrAt(float cosine) {
      if (cosine < fitFrom) {
        return Math.max(1.0 - (double) VerificationMetrics.countBelow(sorted, cosine) / sorted.length,
            Math.pow(10, fitLogFrom));
      }
      return Math.pow(10, fitLogFrom - (cosine - fitFrom) / cosinePerDecade);
    }
  }
}
