package io.facesearch.align;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.facesearch.image.Affine;
import org.junit.jupiter.api.Test;

class FaceAlignerTest {

  @Test
  void similarity_recovers_a_known_rotation_scale_and_shift_exactly() {
    // dst = 0.5 * R(30 deg) * src + (10, -4); the least-squares fit of exact points is the map
    // itself.
    double angle = Math.toRadians(30);
    double a = 0.5 * Math.cos(angle);
    double b = 0.5 * Math.sin(angle);
    float[] src = {100, 120, 180, 118, 140, 160, 110, 200, 175, 198};
    float[] dst = new float[10];
    for (int i = 0; i < 5; i++) {
      dst[2 * i] = (float) (a * src[2 * i] - b * src[2 * i + 1] + 10);
      dst[2 * i + 1] = (float) (b * src[2 * i] + a * src[2 * i + 1] - 4);
    }
    Affine t = FaceAligner.similarity(src, dst);
    assertEquals(a, t.a(), 1e-5);
    assertEquals(-b, t.b(), 1e-5);
    assertEquals(b, t.d(), 1e-5);
    assertEquals(a, t.e(), 1e-5);
    assertEquals(10, t.c(), 1e-3);
    assertEquals(-4, t.f(), 1e-3);
  }

  @Test
  void template_points_map_onto_themselves() {
    Affine t = FaceAligner.similarity(FaceAligner.TEMPLATE, FaceAligner.TEMPLATE);
    assertEquals(1, t.a(), 1e-6);
    assertEquals(0, t.b(), 1e-6);
    assertEquals(0, t.c(), 1e-4);
  }
}
