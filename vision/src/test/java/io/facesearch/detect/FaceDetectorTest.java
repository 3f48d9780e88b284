package io.facesearch.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class FaceDetectorTest {

  @Test
  void suppression_keeps_the_most_confident_of_overlapping_boxes_and_all_separate_ones() {
    Detection best = new Detection(0, 0, 100, 100, 0.99f);
    Detection shifted = new Detection(10, 10, 110, 110, 0.95f); // IoU with best = 0.68
    Detection apart = new Detection(300, 0, 400, 100, 0.80f);
    Detection touching = new Detection(70, 0, 170, 100, 0.90f); // IoU with best = 0.18: kept
    List<Detection> kept =
        FaceDetector.suppressOverlaps(List.of(shifted, apart, best, touching), 0.4f);
    assertEquals(List.of(best, touching, apart), kept);
  }

  @Test
  void iou_of_identical_boxes_is_one_and_of_disjoint_boxes_zero() {
    Detection a = new Detection(0, 0, 10, 10, 1f);
    assertEquals(1f, a.iou(a), 1e-6);
    assertEquals(0f, a.iou(new Detection(20, 20, 30, 30, 1f)), 1e-6);
    assertEquals(25f / 175f, a.iou(new Detection(5, 5, 15, 15, 1f)), 1e-6);
  }
}
