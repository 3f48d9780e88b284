package io.facesearch.search;

import io.facesearch.detect.Detection;
import io.facesearch.image.BgrImage;
import io.facesearch.image.Warp;

/**
 * Simple image measures of a detected face, 0-100: {@link #luminance} is the mean grey level of the face box;
 * {@link #sharpness} is the variance of the Laplacian of the face resized to 96x96, mapped so that 100 is
 * a crisp portrait (variance >= 500) and 0 a flat blur.
 */
public final class FaceQuality {

  private static final int SIZE = 96;

  /**
   * The measures a quality gate looks at.
   *
   * @param faceWidth  width of the detection box in pixels
   * @param sharpness  {@link #sharpness}, 0-100
   * @param yaw        how far the head is turned, from the landmarks: (nose-to-left-jaw minus nose-to-right-jaw)
   *                   over their sum, 0 for a frontal face, towards +-1 for a profile
   * @param confidence the detector's face probability
   */
  public record Measures(float faceWidth, float sharpness, float yaw, float confidence) {}

  private FaceQuality() {}

  /** The measures of one face found in {@code image} (the upright image it was analysed in). */
  public static Measures measure(BgrImage image, io.facesearch.pipeline.Face face) {
    Detection d = face.detection();
    return new Measures(
        d.width(), (float) sharpness(image, d), yaw(face.landmarks()), d.confidence());
  }

  /** Head turn from the 68 landmarks: the nose tip's horizontal distance to each side of the jaw. */
  static float yaw(io.facesearch.align.Landmarks l) {
    float left = Math.abs(l.x(30) - l.x(0));
    float right = Math.abs(l.x(16) - l.x(30));
    float sum = left + right;
    return sum <= 0 ? 0f : (left - right) / sum;
  }

  static double luminance(BgrImage image, Detection face) {
    float[] grey = grey(image, face);
    double sum = 0;
    for (float g : grey) {
      sum += g;
    }
    return Math.round(sum / grey.length / 255.0 * 1000) / 10.0;
  }

  static double sharpness(BgrImage image, Detection face) {
    float[] g = grey(image, face);
    double sum = 0;
    double sumSq = 0;
    int n = 0;
    for (int y = 1; y < SIZE - 1; y++) {
      for (int x = 1; x < SIZE - 1; x++) {
        int i = y * SIZE + x;
        double lap = g[i - 1] + g[i + 1] + g[i - SIZE] + g[i + SIZE] - 4 * g[i];
        sum += lap;
        sumSq += lap * lap;
        n++;
      }
    }
    double variance = sumSq / n - (sum / n) * (sum / n);
    return Math.round(Math.min(100.0, variance / 5.0) * 10) / 10.0;
  }

  private static float[] grey(BgrImage image, Detection face) {
    BgrImage crop =
        Warp.apply(
            image,
            new io.facesearch.image.Box(face.x1(), face.y1(), face.width(), face.height())
                .cropTo(SIZE, SIZE),
            SIZE,
            SIZE);
    float[] grey = new float[SIZE * SIZE];
    byte[] p = crop.bgr();
    for (int i = 0; i < grey.length; i++) {
      grey[i] =
          0.114f * (p[3 * i] & 0xff)
              + 0.587f * (p[3 * i + 1] & 0xff)
              + 0.299f * (p[3 * i + 2] & 0xff);
    }
    return grey;
  }
}
