package io.facesearch.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelSpeedCheckTest {

  @Test
  void a_model_more_than_three_times_slower_than_expected_is_reported_slow() {
    ModelSpeedCheck.Report report =
        new ModelSpeedCheck.Report(
            "Intel",
            List.of(
                new ModelSpeedCheck.ModelTiming("fr_feature", 63.9, 5.5),
                new ModelSpeedCheck.ModelTiming("fr_detect", 8.9, 3.0)),
            120);
    assertTrue(report.timings().get(0).slow());
    assertFalse(report.timings().get(1).slow(), "2.97x is within 3x");
    assertTrue(report.anySlow());
    assertTrue(report.oneLine().contains("fr_feature 63.90/5.50 ms SLOW"), report.oneLine());
    assertTrue(report.oneLine().contains("SLOWER THAN 3x EXPECTED"), report.oneLine());
  }

  @Test
  void the_expected_figure_follows_the_cpu_vendor_and_takes_the_larger_when_unknown() {
    assertEquals(6.0, ModelSpeedCheck.expectedMs("fr_feature", "AMD"));
    assertEquals(5.5, ModelSpeedCheck.expectedMs("fr_feature", "Intel"));
    assertEquals(6.0, ModelSpeedCheck.expectedMs("fr_feature", ""));
  }

  @Test
  void every_model_of_the_pipeline_is_timed_against_a_figure() {
    ModelSpeedCheck.Report report = ModelSpeedCheck.measure(SharedPipeline.get().models(), 1, 3);
    assertEquals(
        List.of("fr_detect", "fr_landmark", "fr_feature", "fr_age", "fr_gender", "fr_liveness"),
        report.timings().stream().map(ModelSpeedCheck.ModelTiming::model).toList());
    for (ModelSpeedCheck.ModelTiming t : report.timings()) {
      assertTrue(t.cpuMs() > 0 && t.expectedMs() > 0, t.toString());
    }
    System.out.println(report.oneLine());
  }
}
