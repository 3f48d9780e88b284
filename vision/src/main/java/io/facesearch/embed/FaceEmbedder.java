package io.facesearch.embed;

import io.facesearch.image.BgrImage;
import io.facesearch.onnx.OnnxModel;

/**
 * Turns an aligned 112x112 face into an {@link Embedding} with {@code fr_feature} (an ArcFace-style network).
 *
 * <p>Model contract: input {@code input} float32 [1, 3, 112, 112], each value (p - 127) / 128, planes in
 * {@link ChannelOrder}; output {@code output} [1, 512], not normalised. The vector is L2-normalised here.
 * With {@code flip} the embedding is the normalised sum of the face's and its mirror image's outputs
 * (test-time augmentation; twice the cost). docs/accuracy.md has the LFW figures behind the defaults.
 */
public final class FaceEmbedder {

  /** Which colour goes into input plane 0. */
  public enum ChannelOrder {
    BGR,
    RGB
  }

  public static final int SIZE = 112;
  private static final int PLANE = SIZE * SIZE;
  private static final long[] SHAPE = {1, 3, SIZE, SIZE};

  private final OnnxModel model;
  private final ChannelOrder order;
  private final boolean flip;
  private final String modelId;

  public FaceEmbedder(OnnxModel model, ChannelOrder order, boolean flip) {
    this.model = model;
    this.order = order;
    this.flip = flip;
    this.modelId = model.id() + "/" + order.name().toLowerCase() + (flip ? "+flip" : "");
  }

  /** The id stored with every embedding this embedder makes, e.g. {@code fr_feature@sha256:0123456789ab/bgr}. */
  public String modelId() {
    return modelId;
  }

  public Embedding embed(BgrImage alignedFace) {
    if (alignedFace.width() != SIZE || alignedFace.height() != SIZE) {
      throw new IllegalArgumentException("expected a 112x112 aligned face");
    }
    float[] v = model.run(toInput(alignedFace, false), SHAPE, "output")[0];
    if (flip) {
      float[] mirrored = model.run(toInput(alignedFace, true), SHAPE, "output")[0];
      for (int i = 0; i < v.length; i++) {
        v[i] += mirrored[i];
      }
    }
    normalize(v);
    return new Embedding(v, modelId);
  }

  private float[] toInput(BgrImage face, boolean mirror) {
    float[] input = new float[3 * PLANE];
    byte[] p = face.bgr();
    int first = order == ChannelOrder.BGR ? 0 : 2;
    int third = 2 - first;
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        int s = (y * SIZE + (mirror ? SIZE - 1 - x : x)) * 3;
        int d = y * SIZE + x;
        input[d] = ((p[s + first] & 0xff) - 127f) / 128f;
        input[PLANE + d] = ((p[s + 1] & 0xff) - 127f) / 128f;
        input[2 * PLANE + d] = ((p[s + third] & 0xff) - 127f) / 128f;
      }
    }
    return input;
  }

  static void normalize(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += x * x;
    }
    float inv = sum > 0 ? (float) (1.0 / Math.sqrt(sum)) : 0f;
    for (int i = 0; i < v.length; i++) {
      v[i] *= inv;
    }
  }
}
