package io.facesearch.cli;

import io.facesearch.bench.PipelineBenchmark;
import io.facesearch.image.BgrImage;
import io.facesearch.image.ImageDecoder;
import io.facesearch.image.Warp;
import io.facesearch.onnx.NewThread;
import io.facesearch.pipeline.FacePipeline;
import io.facesearch.pipeline.ModelSpeedCheck;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code facesearch bench ...}: benchmarks (never run as tests). */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks.",
    subcommands = {
      BenchCommand.Pipeline.class,
      GalleryBenchCommand.class,
      HttpBenchCommand.class,
      SoakCommand.class
    })
final class BenchCommand {

  @Command(
      name = "pipeline",
      mixinStandardHelpOptions = true,
      description = "Per-stage latency of the face pipeline on one thread for a 640x480 JPEG.")
  static final class Pipeline implements Callable<Integer> {

    @Option(
        names = "--image",
        description =
            "Photo to use; it is resized to 640x480 and re-encoded as JPEG "
                + "(default: ../shared/data/face_recognition_examples/examples/obama.jpg).")
    Path image = Path.of("../shared/data/face_recognition_examples/examples/obama.jpg");

    @Option(
        names = "--images",
        description =
            "Instead: analyse every JPEG under this folder (all faces, as a "
                + "search does) once on one thread and report photos per second and faces found; the photos that "
                + "tools/peer-bench/run.sh gives face-api.js.")
    Path images;

    @Option(names = "--iterations", description = "Timed iterations (default: 200).")
    int iterations = 200;

    @Option(names = "--warmup", description = "Untimed warm-up iterations (default: 30).")
    int warmup = 30;

    @Mixin PipelineOptions pipelineOptions;

    @Override
    public Integer call() throws Exception {
      if (images != null) {
        return overPhotos();
      }
      byte[] jpeg = jpeg640x480(Files.readAllBytes(image));
      System.out.printf(
          Locale.ROOT,
          "photo: %s as a 640x480 JPEG of %d bytes; %d warm-up + %d timed iterations, 1 thread%n",
          image,
          jpeg.length,
          warmup,
          iterations);
      System.out.printf(
          Locale.ROOT,
          "machine: %d cores, load average before: %s%n",
          Runtime.getRuntime().availableProcessors(),
          MachineLoad.loadAverage());
      try (FacePipeline pipeline = pipelineOptions.load()) {
        PipelineBenchmark.Result r =
            NewThread.call(
                "bench-pipeline",
                () -> new PipelineBenchmark(pipeline).run(jpeg, warmup, iterations, System.out));
        ModelSpeedCheck.Report check =
            ModelSpeedCheck.measure(pipeline.models(), warmup, iterations);
        System.out.printf(
            Locale.ROOT,
            "%nper model, thread CPU per call (median, one thread, seeded random input) "
                + "against the figure expected on %s:%n",
            check.cpu());
        System.out.printf(
            Locale.ROOT, "%-12s %10s %12s %7s%n", "model", "cpu_ms", "expected_ms", "ratio");
        for (ModelSpeedCheck.ModelTiming t : check.timings()) {
          System.out.printf(
              Locale.ROOT,
              "%-12s %10.2f %12.2f %6.1fx%s%n",
              t.model(),
              t.cpuMs(),
              t.expectedMs(),
              t.cpuMs() / t.expectedMs(),
              t.slow()
                  ? "  SLOW: more than " + (int) ModelSpeedCheck.SLOW_FACTOR + "x the expected time"
                  : "");
        }
        System.out.println(
            check.anySlow()
                ? "SLOW: at least one model runs more than "
                    + (int) ModelSpeedCheck.SLOW_FACTOR
                    + "x slower than "
                    + "expected on this machine; see docs/performance.md"
                : "every model within "
                    + (int) ModelSpeedCheck.SLOW_FACTOR
                    + "x of its expected time");
        System.out.printf(Locale.ROOT, "load average after: %s%n", MachineLoad.loadAverage());
        System.out.printf(
            Locale.ROOT,
            "decode_ms=%.2f detect_ms=%.2f landmarks_ms=%.2f align_ms=%.2f embed_ms=%.2f age_gender_ms=%.2f "
                + "total_ms=%.2f total_cpu_ms=%.2f load1=%s%n",
            r.decode(),
            r.detect(),
            r.landmarks(),
            r.align(),
            r.embed(),
            r.ageGender(),
            r.total(),
            r.totalCpu(),
            MachineLoad.loadAverage().split(" ")[0]);
      }
      return 0;
    }

    private int overPhotos() throws Exception {
      List<byte[]> photos = new ArrayList<>();
      try (Stream<Path> files = Files.walk(images)) {
        for (Path file :
            files
                .filter(f -> f.toString().toLowerCase(Locale.ROOT).matches(".*\\.jpe?g"))
                .sorted()
                .toList()) {
          photos.add(Files.readAllBytes(file));
        }
      }
      if (photos.isEmpty()) {
        throw new UserError("no JPEG under " + images);
      }
      System.out.printf(
          Locale.ROOT,
          "photos: %d JPEGs under %s, analysed once each on 1 thread after %d warm-up%n",
          photos.size(),
          images,
          Math.min(5, photos.size()));
      System.out.printf(
          Locale.ROOT,
          "machine: %d cores, load average before: %s%n",
          Runtime.getRuntime().availableProcessors(),
          MachineLoad.loadAverage());
      try (FacePipeline pipeline = pipelineOptions.load()) {
        PipelineBenchmark.PhotosResult r =
            NewThread.call(
                "bench-pipeline", () -> new PipelineBenchmark(pipeline).runOverPhotos(photos, 5));
        System.out.printf(
            Locale.ROOT,
            "%d photos, %d faces, %.1f s (decode %.1f s); load average after: %s%n",
            r.photos(),
            r.faces(),
            r.seconds(),
            r.decodeSeconds(),
            MachineLoad.loadAverage());
        System.out.printf(
            Locale.ROOT,
            "photos=%d faces=%d seconds=%.2f photos_per_s=%.2f%n",
            r.photos(),
            r.faces(),
            r.seconds(),
            r.photosPerSecond());
      }
      return 0;
    }

    private static byte[] jpeg640x480(byte[] photo) throws Exception {
      BgrImage resized = Warp.resize(new ImageDecoder().decode(photo), 640, 480);
      BufferedImage img = new BufferedImage(640, 480, BufferedImage.TYPE_3BYTE_BGR);
      System.arraycopy(
          resized.bgr(),
          0,
          ((DataBufferByte) img.getRaster().getDataBuffer()).getData(),
          0,
          resized.bgr().length);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(img, "jpeg", out);
      return out.toByteArray();
    }
  }
}
