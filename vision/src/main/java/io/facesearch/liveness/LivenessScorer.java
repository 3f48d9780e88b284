package io.facesearch.liveness;

import io.facesearch.detect.Detection;
import io.facesearch.image.BgrImage;
import io.facesearch.image.Box;
import io.facesearch.image.Warp;
import io.facesearch.onnx.OnnxModel;

/**
 * Scores how likely a face is a live person rather than a print or a screen, with {@code fr_liveness}
 * (a MiniFASNet-style passive model).
 *
 * <p>Model contract: input {@code input} float32 [1, 3, 128, 128], the detection box grown 2.7x
 * ({@link Detection#contextBox}) resized to 128x128, RGB planes with raw values 0..255; output
 * {@code output} [1, 3], logits; after softmax, class 0 is "live".
 */
public final class LivenessScorer {

  static final int SIZE = 128;
  static final float CONTEXT_SCALE = 2.7f;
  private static final int PLANE = SIZE * SIZE;
  private static final long[] SHAPE = {1, 3, SIZE, SIZE};

  private final OnnxModel model;

  public LivenessScorer(OnnxModel model) {
    this.model = model;
  }

  /** Probability (0..1) that {@code face} is live. */
  public float score(BgrImage image, Detection face) {
    Box box = face.contextBox(CONTEXT_SCALE, image.width(), image.height());
    BgrImage crop = Warp.apply(image, box.cropTo(SIZE, SIZE), SIZE, SIZE);
    float[] input = new float[3 * PLANE];
    byte[] p = crop.bgr();
    for (int i = 0; i < PLANE; i++) {
      input[i] = p[3 * i + 2] & 0xff;
      input[PLANE + i] = p[3 * i + 1] & 0xff;
      input[2 * PLANE + i] = p[3 * i] & 0xff;
    }
    float[] logits = model.run(input, SHAPE, "output")[0];
    float max = Math.max(logits[0], Math.max(logits[1], logits[2]));
    double sum = 0;
    for (float l : logits) {
      sum += Math.exp(l - max);
    }
    return (float) (Math.exp(logits[0] - max) / sum);
  }
}
