package io.facesearch.detect;

import io.facesearch.image.BgrImage;
import io.facesearch.image.Warp;
import io.facesearch.onnx.OnnxModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Finds faces with {@code fr_detect} (an SSD-style detector on a 320x240 input).
 *
 * <p>Model contract, measured on the shipped ONNX file:
 * <ul>
 *   <li>input {@code input} float32 [1, 3, 240, 320]: the whole image resized to 320x240 (aspect ratio not kept),
 *       RGB planes, each value (p - 127) / 128;</li>
 *   <li>output {@code boxes} [1, 4420, 4]: per prior, box corners (x1, y1, x2, y2) already decoded, as fractions
 *       of the input width and height (0..1), so they scale straight back to the original image;</li>
 *   <li>output {@code scores} [1, 4420, 2]: per prior, softmax (background, face); column 1 is the face
 *       probability.</li>
 * </ul>
 * Candidates at or above {@code minConfidence} go through greedy IoU non-maximum suppression (highest score
 * first, a box is dropped when its IoU with a kept box exceeds {@code nmsIou}); the kept faces are returned
 * largest first.
 */
public final class FaceDetector {

  public static final int INPUT_WIDTH = 320;
  public static final int INPUT_HEIGHT = 240;

  /** Default face-probability cut; chosen on the no-face and group photos (see docs/accuracy.md). */
  public static final float DEFAULT_MIN_CONFIDENCE = 0.7f;

  public static final float DEFAULT_NMS_IOU = 0.4f;

  private static final int PLANE = INPUT_WIDTH * INPUT_HEIGHT;
  private static final long[] SHAPE = {1, 3, INPUT_HEIGHT, INPUT_WIDTH};

  private final OnnxModel model;
  private final float minConfidence;
  private final float nmsIou;

  public FaceDetector(OnnxModel model) {
    this(model, DEFAULT_MIN_CONFIDENCE, DEFAULT_NMS_IOU);
  }

  public FaceDetector(OnnxModel model, float minConfidence, float nmsIou) {
    this.model = model;
    this.minConfidence = minConfidence;
    this.nmsIou = nmsIou;
  }

  /** Every face in {@code image}, largest first; empty when there is none. */
  public List<Detection> detect(BgrImage image) {
    float[][] out =
        model.run(toInput(Warp.resize(image, INPUT_WIDTH, INPUT_HEIGHT)), SHAPE, "boxes", "scores");
    float[] boxes = out[0];
    float[] scores = out[1];
    int priors = scores.length / 2;
    float w = image.width();
    float h = image.height();
    List<Detection> candidates = new ArrayList<>();
    for (int i = 0; i < priors; i++) {
      float score = scores[2 * i + 1];
      if (score < minConfidence) {
        continue;
      }
      float x1 = clamp(boxes[4 * i] * w, w);
      float y1 = clamp(boxes[4 * i + 1] * h, h);
      float x2 = clamp(boxes[4 * i + 2] * w, w);
      float y2 = clamp(boxes[4 * i + 3] * h, h);
      if (x2 - x1 >= 1f && y2 - y1 >= 1f) {
        candidates.add(new Detection(x1, y1, x2, y2, score));
      }
    }
    List<Detection> faces = suppressOverlaps(candidates, nmsIou);
    faces.sort(Comparator.comparingDouble(Detection::area).reversed());
    return faces;
  }

  /** Greedy non-maximum suppression: keeps the best-scoring box of every group overlapping more than {@code iou}. */
  static List<Detection> suppressOverlaps(List<Detection> candidates, float iou) {
    List<Detection> sorted = new ArrayList<>(candidates);
    sorted.sort(Comparator.comparingDouble(Detection::confidence).reversed());
    List<Detection> kept = new ArrayList<>();
    for (Detection d : sorted) {
      boolean overlaps = false;
      for (Detection k : kept) {
        if (d.iou(k) > iou) {
          overlaps = true;
          break;
        }
      }
      if (!overlaps) {
        kept.add(d);
      }
    }
    return kept;
  }

  private static float[] toInput(BgrImage resized) {
    float[] input = new float[3 * PLANE];
    byte[] p = resized.bgr();
    for (int i = 0; i < PLANE; i++) {
      input[i] = ((p[3 * i + 2] & 0xff) - 127f) / 128f; // R
      input[PLANE + i] = ((p[3 * i + 1] & 0xff) - 127f) / 128f; // G
      input[2 * PLANE + i] = ((p[3 * i] & 0xff) - 127f) / 128f; // B
    }
    return input;
  }

  private static float clamp(float v, float max) {
    return Math.max(0f, Math.min(max, v));
  }
}
