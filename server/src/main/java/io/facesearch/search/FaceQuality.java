package io.facesearch.search;

import io.facesearch.detect.Detection;
import io.facesearch.image.BgrImage;
import io.facesearch.image.Warp;

/**
 * Simple image measures of a detected face, 0-100: {@link #luminance} is the mean grey level of the face box;
 * {@link #sharpness} is the variance of the Laplacian of the face resized to 96x96, mapped so that 100 is
 * a crisp portrait (variance >= 500) and 0 a flat blur.
 */
final class FaceQuality {

  private static final int SIZE = 96;

  private FaceQuality() {}

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
    BgrImage crop = Warp.apply(image, new io.facesearch.image.Box(face.x1(), face.y1(), face.width(), face.height())
        .cropTo(SIZE, SIZE), SIZE, SIZE);
    float[] grey = new float[SIZE * SIZE];
    byte[] p = crop.bgr();
    for (int i = 0; i < grey.length; i++) {
      grey[i] = 0.114f * (p[3 * i] & 0xff) + 0.587f * (p[3 * i + 1] & 0xff) + 0.299f * (p[3 * i + 2] & 0xff);
    }
    return grey;
  }
}
