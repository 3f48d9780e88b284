package io.facesearch.pipeline;

import io.facesearch.onnx.NewThread;
import io.facesearch.onnx.OnnxModel;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How long each model takes on this machine against what it takes on the CPUs we measured, so that a slow path
 * (denormals in microcode, a missing instruction set, a throttled core) shows itself instead of hiding in a
 * request's total.
 *
 * <p>Each model runs on a fixed pseudo-random input of its own shape, on one ONNX Runtime thread, and its
 * thread CPU time (not wall time, which a busy machine inflates) is compared with {@link #EXPECTED} for the
 * CPU vendor found in {@code /proc/cpuinfo} (the larger figure of the two when the vendor is neither). A model
 * more than {@value #SLOW_FACTOR} times slower than expected is reported as slow. The runs happen on a new
 * thread, as requests do ({@link NewThread}).
 */
public final class ModelSpeedCheck {

  /** A model more than this many times slower than expected is slow. */
  public static final double SLOW_FACTOR = 3.0;

  /**
   * Median thread CPU milliseconds per call, one thread, input as above. AMD: EPYC (Zen 4, family 25 model 17,
   * 2 vCPUs, JDK 25, ONNX Runtime 1.23.2), measured with this class on 2026-12-06. Intel: Xeon with AVX-512 (2
   * vCPUs) as reported in issue 18 on 2026-12-05 with ONNX Runtime 1.22 and the denormal flag set (fr_feature
   * 5.5, fr_gender 0.66; without it 63.9 and 16.0); where that report gives no figure, the AMD one stands in.
   */
  static final List<Expected> EXPECTED =
      List.of(
          new Expected("fr_detect", 3.0, 3.0),
          new Expected("fr_landmark", 0.40, 0.40),
          new Expected("fr_feature", 6.0, 5.5),
          new Expected("fr_age", 1.1, 1.1),
          new Expected("fr_gender", 0.65, 0.66),
          new Expected("fr_liveness", 5.5, 5.5));

  /** Expected milliseconds of one model on each CPU kind. */
  record Expected(String model, double amdMs, double intelMs) {}

  /** One model's measured and expected thread CPU milliseconds per call. */
  public record ModelTiming(String model, double cpuMs, double expectedMs) {
    public boolean slow() {
      return cpuMs > SLOW_FACTOR * expectedMs;
    }
  }

  /** The timings of every model, and against which CPU kind's figures they were judged. */
  public record Report(String cpu, List<ModelTiming> timings, long tookMillis) {

    public boolean anySlow() {
      return timings.stream().anyMatch(ModelTiming::slow);
    }

    /** One line for a log: every model's median against its expected figure, then the verdict. */
    public String oneLine() {
      StringBuilder line =
          new StringBuilder("model speed check (thread CPU per call vs expected on " + cpu + "):");
      for (ModelTiming t : timings) {
        line.append(
            String.format(
                Locale.ROOT,
                " %s %.2f/%.2f ms%s",
                t.model(),
                t.cpuMs(),
                t.expectedMs(),
                t.slow() ? " SLOW" : ""));
      }
      line.append(
          anySlow()
              ? String.format(
                  Locale.ROOT,
                  "; SLOWER THAN %.0fx EXPECTED: searches will be slow on this machine "
                      + "(see docs/performance.md)",
                  SLOW_FACTOR)
              : "; all within " + (int) SLOW_FACTOR + "x");
      return line.append(" (check took ").append(tookMillis).append(" ms)").toString();
    }
  }

  private ModelSpeedCheck() {}

  /** Runs each model {@code warmup} untimed and {@code iterations} timed times on a new thread. */
  public static Report measure(FaceModels models, int warmup, int iterations) {
    OnnxModel[] all = {
      models.detect(),
      models.landmark(),
      models.feature(),
      models.age(),
      models.gender(),
      models.liveness()
    };
    String vendor = cpuVendor();
    long start = System.nanoTime();
    List<ModelTiming> timings;
    try {
      timings =
          NewThread.call(
              "model-speed-check",
              () -> {
                List<ModelTiming> measured = new ArrayList<>();
                for (OnnxModel model : all) {
                  measured.add(time(model, warmup, iterations, vendor));
                }
                return List.copyOf(measured);
              });
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("the model speed check failed: " + e.getMessage(), e);
    }
    return new Report(
        vendor.isEmpty() ? "an unknown CPU (larger of the AMD and Intel figures)" : vendor,
        timings,
        (System.nanoTime() - start) / 1_000_000);
  }

  private static ModelTiming time(OnnxModel model, int warmup, int iterations, String vendor) {
    long[] shape = model.inputShape();
    int size = 1;
    for (long d : shape) {
      size *= (int) d;
    }
    float[] input = new float[size];
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < size; i++) {
      input[i] = (float) (random.nextDouble() * 2 - 1);
    }
    String output = model.outputNames()[0];
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long[] nanos = new long[iterations];
    for (int i = -warmup; i < iterations; i++) {
      long start = threads.getCurrentThreadCpuTime();
      model.run(input, shape, output);
      if (i >= 0) {
        nanos[i] = threads.getCurrentThreadCpuTime() - start;
      }
    }
    Arrays.sort(nanos);
    String name = model.id().substring(0, model.id().indexOf('@'));
    return new ModelTiming(name, nanos[iterations / 2] / 1e6, expectedMs(name, vendor));
  }

  static double expectedMs(String model, String vendor) {
    for (Expected e : EXPECTED) {
      if (e.model().equals(model)) {
        return switch (vendor) {
          case "AMD" -> e.amdMs();
          case "Intel" -> e.intelMs();
          default -> Math.max(e.amdMs(), e.intelMs());
        };
      }
    }
    throw new IllegalArgumentException("no expected figure for model " + model);
  }

  /** "AMD", "Intel", or "" when /proc/cpuinfo says neither (or is absent). */
  static String cpuVendor() {
    try {
      String info = Files.readString(Path.of("/proc/cpuinfo"));
      if (info.contains("AuthenticAMD")) {
        return "AMD";
      }
      return info.contains("GenuineIntel") ? "Intel" : "";
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
