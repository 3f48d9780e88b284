package io.facesearch.align;

import io.facesearch.detect.Detection;
import io.facesearch.image.Affine;
import io.facesearch.image.BgrImage;
import io.facesearch.image.Warp;
import io.facesearch.onnx.OnnxModel;

/**
 * Locates the 68 landmarks of a detected face with {@code fr_landmark}.
 *
 * <p>Model contract: input {@code input} float32 [1, 1, 64, 64], the grey 64x64 crop of the square around
 * the detection box (side = the longer box side, same centre), each value grey / 256; output {@code output}
 * [1, 136], 68 (x, y) pairs as fractions of the crop side.
 */
public final class LandmarkLocator {

  static final int INPUT_SIZE = 64;
  private static final long[] SHAPE = {1, 1, INPUT_SIZE, INPUT_SIZE};

  private final OnnxModel model;

  public LandmarkLocator(OnnxModel model) {
    this.model = model;
  }

  public Landmarks locate(BgrImage image, Detection face) {
    float side = Math.max(face.width(), face.height());
    float left = (face.x1() + face.x2()) / 2 - side / 2;
    float top = (face.y1() + face.y2()) / 2 - side / 2;
    BgrImage crop = Warp.apply(image, Affine.crop(left, top, side, side, INPUT_SIZE, INPUT_SIZE), INPUT_SIZE, INPUT_SIZE);
    float[] input = new float[INPUT_SIZE * INPUT_SIZE];
    byte[] p = crop.bgr();
    for (int i = 0; i < input.length; i++) {
      float grey = 0.114f * (p[3 * i] & 0xff) + 0.587f * (p[3 * i + 1] & 0xff) + 0.299f * (p[3 * i + 2] & 0xff);
      input[i] = Math.round(grey) / 256f;
    }
    float[] rel = model.run(input, SHAPE, "output")[0];
    float[] xy = new float[2 * Landmarks.COUNT];
    for (int i = 0; i < Landmarks.COUNT; i++) {
      xy[2 * i] = left + rel[2 * i] * side;
      xy[2 * i + 1] = top + rel[2 * i + 1] * side;
    }
    return new Landmarks(xy);
  }
}
