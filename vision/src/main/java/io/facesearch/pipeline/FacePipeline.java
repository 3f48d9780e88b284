package io.facesearch.pipeline;

import io.facesearch.align.FaceAligner;
import io.facesearch.align.LandmarkLocator;
import io.facesearch.align.Landmarks;
import io.facesearch.attributes.AgeGenderEstimator;
import io.facesearch.detect.Detection;
import io.facesearch.detect.FaceDetector;
import io.facesearch.embed.FaceEmbedder;
import io.facesearch.image.BgrImage;
import io.facesearch.liveness.LivenessScorer;
import java.util.ArrayList;
import java.util.List;

/**
 * Photo -> faces: detect, then per face locate landmarks, align, embed and estimate age and gender.
 *
 * <p>One instance serves all requests concurrently (the stages hold no per-call state; ONNX Runtime
 * sessions are thread-safe). Only the {@value #MAX_FACES} largest faces of a crowded photo are analysed.
 */
public final class FacePipeline implements AutoCloseable {

  /** Faces analysed per photo at most (largest first); the rest are ignored. */
  public static final int MAX_FACES = 32;

  static final int[] ANGLES = {0, 90, 180, 270};

  private final FaceModels models;
  private final FaceDetector detector;
  private final LandmarkLocator locator;
  private final FaceAligner aligner;
  private final FaceEmbedder embedder;
  private final AgeGenderEstimator ageGender;
  private final LivenessScorer liveness;
  private final java.util.concurrent.CopyOnWriteArrayList<StageObserver> observers =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  public FacePipeline(FaceModels models, FaceEmbedder.ChannelOrder order, boolean flip) {
    this.models = models;
    this.detector = new FaceDetector(models.detect());
    this.locator = new LandmarkLocator(models.landmark());
    this.aligner = new FaceAligner();
    this.embedder = new FaceEmbedder(models.feature(), order, flip);
    this.ageGender = new AgeGenderEstimator(models.age(), models.gender());
    this.liveness = new LivenessScorer(models.liveness());
  }

  /** The pipeline with the measured defaults (BGR, no flip: see docs/accuracy.md) and single-threaded models. */
  public static FacePipeline loadDefault() throws java.io.IOException {
    return new FacePipeline(
        FaceModels.load(FaceModels.locate(), 1), FaceEmbedder.ChannelOrder.BGR, false);
  }

  /** A turned image's face must be at least this sure to be taken (else a dog or a plate becomes a face). */
  static final float MIN_TURNED_CONFIDENCE = 0.99f;

  /** An unturned face this sure ... */
  static final float SURE_UNTURNED_CONFIDENCE = 0.999f;

  /** ... is given up only for a turned face this many logits surer (e^3: 20 times the odds). */
  static final double TURNED_LOGIT_MARGIN = 3.0;

  /**
   * Analyses {@code image}. With {@code searchRotation}, the detector also runs on the image turned by 90, 180
   * and 270 degrees, and the angle whose best face has the highest confidence wins (ties go to the smaller angle)
   * if that face is sure enough ({@link #turnedWins}); the rest of the pipeline runs on that turned image.
   */
  public Analysis analyze(BgrImage image, boolean searchRotation) {
    BgrImage upright = image;
    long start = System.nanoTime();
    List<Detection> detections = detector.detect(image);
    int bestAngle = 0;
    if (searchRotation) {
      float unturned = maxConfidence(detections);
      float best = unturned;
      for (int i = 1; i < ANGLES.length; i++) {
        BgrImage turned = image.rotateClockwise(ANGLES[i]);
        List<Detection> found = detector.detect(turned);
        float confidence = maxConfidence(found);
        if (confidence > best && turnedWins(confidence, unturned)) {
          best = confidence;
          bestAngle = ANGLES[i];
          upright = turned;
          detections = found;
        }
      }
    }
    observe(StageObserver.Stage.DETECT, start);
    List<Face> faces = new ArrayList<>();
    for (Detection d : detections.subList(0, Math.min(MAX_FACES, detections.size()))) {
      faces.add(describe(upright, d));
    }
    return new Analysis(List.copyOf(faces), bestAngle, upright.width(), upright.height());
  }

  /** Landmarks, embedding and age/gender of one detected face. */
  public Face describe(BgrImage image, Detection detection) {
    long start = System.nanoTime();
    Landmarks landmarks = locator.locate(image, detection);
    BgrImage aligned = aligner.align(image, landmarks.fivePoints());
    start = observe(StageObserver.Stage.ALIGN, start);
    var embedding = embedder.embed(aligned);
    start = observe(StageObserver.Stage.EMBED, start);
    var attributes = ageGender.estimate(image, detection);
    observe(StageObserver.Stage.ATTRIBUTES, start);
    return new Face(detection, landmarks, embedding, attributes);
  }

  /** Probability 0..1 that {@code face} (found in {@code image}) is a live person. */
  public float liveness(BgrImage image, Detection face) {
    long start = System.nanoTime();
    float score = liveness.score(image, face);
    observe(StageObserver.Stage.LIVENESS, start);
    return score;
  }

  /** Adds an observer of stage times (metrics); {@link #unobserve} removes it. */
  public void observe(StageObserver o) {
    observers.add(o);
  }

  public void unobserve(StageObserver o) {
    observers.remove(o);
  }

  /** Tells the observers the stage that began at {@code start} and returns now (the next stage's start). */
  private long observe(StageObserver.Stage stage, long start) {
    long now = System.nanoTime();
    for (StageObserver o : observers) {
      o.took(stage, now - start);
    }
    return now;
  }

  /** The loaded models, for checks that time them one by one ({@link ModelSpeedCheck}). */
  public FaceModels models() {
    return models;
  }

  public FaceDetector detector() {
    return detector;
  }

  public LandmarkLocator locator() {
    return locator;
  }

  public FaceAligner aligner() {
    return aligner;
  }

  public FaceEmbedder embedder() {
    return embedder;
  }

  public AgeGenderEstimator ageGender() {
    return ageGender;
  }

  /** The id stored with every embedding this pipeline makes. */
  public String embeddingModelId() {
    return embedder.modelId();
  }

  /**
   * Whether a turned image's best face ({@code turned}, more confident than every angle before it) replaces the
   * unturned image's ({@code unturned}, 0 when none). Measured on the edge cases: the detector fires, less surely,
   * on some turned non-faces (0.70-0.996 on 6 of the 38 no_face photos: a dog, a chick, a plane, a licence
   * plate, a painting, a squirrel) and on some turned upright faces (8 of the 116 single_face photos were turned
   * by the plain "most confident angle"; the 4 measured closely by 0.4-2.6 logits over the upright face), while
   * the 85 rotated photos' turned faces are at least 0.9937 and, where the unturned image already holds a face
   * over 0.999 (an upside-down face often does), at least 3.5 logits surer. With this rule only the squirrel
   * (0.996) is still taken for a face and no upright photo is turned. Chosen on those photos; no held-out set.
   */
  static boolean turnedWins(float turned, float unturned) {
    if (turned < MIN_TURNED_CONFIDENCE) {
      return false;
    }
    return unturned < SURE_UNTURNED_CONFIDENCE
        || logit(turned) - logit(unturned) >= TURNED_LOGIT_MARGIN;
  }

  private static double logit(float p) {
    double q = Math.min(Math.max(p, 1e-9), 1 - 1e-9);
    return Math.log(q / (1 - q));
  }

  private static float maxConfidence(List<Detection> detections) {
    float max = 0f;
    for (Detection d : detections) {
      max = Math.max(max, d.confidence());
    }
    return max;
  }

  @Override
  public void close() {
    models.close();
  }
}
