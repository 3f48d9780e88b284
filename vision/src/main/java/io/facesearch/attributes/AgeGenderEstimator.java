package io.facesearch.attributes;

import io.facesearch.detect.Detection;
import io.facesearch.image.BgrImage;
import io.facesearch.image.Box;
import io.facesearch.image.Warp;
import io.facesearch.onnx.OnnxModel;

/**
 * Estimates age ({@code fr_age}) and gender ({@code fr_gender}), two SSR-Net models (Yang et al., IJCAI 2018).
 *
 * <p>Input for both: {@code input} float32 [1, 3, 64, 64], the detection box grown 1.4x
 * ({@link Detection#contextBox}) resized to 64x64, planes in B, G, R order normalised with the ImageNet
 * mean (0.485, 0.456, 0.406) and standard deviation (0.229, 0.224, 0.225) on p / 255, plane by plane.
 * The npm package's JavaScript feeds R, G, B; on 73 labelled single-face photos of shared/data, B, G, R
 * classified gender right 57 times and R, G, B 49 times (docs/accuracy.md), so B, G, R it is.
 *
 * <p>Outputs, per stage k = 1..3 of the coarse-to-fine soft stagewise regression: {@code prob_stage_k} [1, 3]
 * (p_k, the distribution over the stage's 3 bins), {@code stageK_delta_k} [1, 1] (Δk, the dynamic range
 * scaling) and {@code index_offset_stageK} [1, 3] (η_k, the shift of each bin). The estimate is
 * {@code V * Σ_k Σ_i (i + η_k[i]) p_k[i] / Π_{j<=k} (s (1 + Δ_j))} with s = 3 bins; V = 101 for age (years)
 * and V = 1 for gender (a male score in 0..1).
 */
public final class AgeGenderEstimator {

  static final int SIZE = 64;
  static final float CONTEXT_SCALE = 1.4f;
  private static final int PLANE = SIZE * SIZE;
  private static final long[] SHAPE = {1, 3, SIZE, SIZE};
  private static final String[] OUTPUTS = {
    "prob_stage_1", "prob_stage_2", "prob_stage_3",
    "stage1_delta_k", "stage2_delta_k", "stage3_delta_k",
    "index_offset_stage1", "index_offset_stage2", "index_offset_stage3"
  };
  private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  private static final float[] STD = {0.229f, 0.224f, 0.225f};

  private final OnnxModel ageModel;
  private final OnnxModel genderModel;

  public AgeGenderEstimator(OnnxModel ageModel, OnnxModel genderModel) {
    this.ageModel = ageModel;
    this.genderModel = genderModel;
  }

  public AgeGender estimate(BgrImage image, Detection face) {
    Box box = face.contextBox(CONTEXT_SCALE, image.width(), image.height());
    float[] input = toInput(Warp.apply(image, box.cropTo(SIZE, SIZE), SIZE, SIZE));
    float age = ssrNet(ageModel.run(input, SHAPE, OUTPUTS)) * 101f;
    float male = ssrNet(genderModel.run(input, SHAPE, OUTPUTS));
    return new AgeGender(Math.max(0f, age), Math.max(0f, Math.min(1f, male)));
  }

  /** Soft stagewise regression over 3 stages of 3 bins, lambda_local = lambda_d = 1 (the models' settings). */
  static float ssrNet(float[][] out) {
    float estimate = 0f;
    float denominator = 1f;
    for (int k = 0; k < 3; k++) {
      float[] p = out[k];
      float delta = out[3 + k][0];
      float[] eta = out[6 + k];
      denominator *= 3 * (1 + delta);
      float sum = 0f;
      for (int i = 0; i < 3; i++) {
        sum += (i + eta[i]) * p[i];
      }
      estimate += sum / denominator;
    }
    return estimate;
  }

  private static float[] toInput(BgrImage crop) {
    float[] input = new float[3 * PLANE];
    byte[] p = crop.bgr();
    for (int i = 0; i < PLANE; i++) {
      for (int c = 0; c < 3; c++) { // plane c = B, G, R = byte c
        input[c * PLANE + i] = ((p[3 * i + c] & 0xff) / 255f - MEAN[c]) / STD[c];
      }
    }
    return input;
  }
}
