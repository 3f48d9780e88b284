package io.facesearch.cli;

import io.facesearch.bench.PipelineBenchmark;
import io.facesearch.image.BgrImage;
import io.facesearch.image.ImageDecoder;
import io.facesearch.image.Warp;
import io.facesearch.pipeline.FacePipeline;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code facesearch bench ...}: benchmarks (never run as tests). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.",
    subcommands = {BenchCommand.Pipeline.class, GalleryBenchCommand.class, HttpBenchCommand.class,
        SoakCommand.class})
final class BenchCommand {

  @Command(name = "pipeline", mixinStandardHelpOptions = true,
      description = "Per-stage latency of the face pipeline on one thread for a 640x480 JPEG.")
  static final class Pipeline implements Callable<Integer> {

    @Option(names = "--image", description = "Photo to use; it is resized to 640x480 and re-encoded as JPEG "
        + "(default: ../shared/data/face_recognition_examples/examples/obama.jpg).")
    Path image = Path.of("../shared/data/face_recognition_examples/examples/obama.jpg");

    @Option(names = "--iterations", description = "Timed iterations (default: 200).")
    int iterations = 200;

    @Option(names = "--warmup", description = "Untimed warm-up iterations (default: 30).")
    int warmup = 30;

    @Mixin
    PipelineOptions pipelineOptions;

    @Override
    public Integer call() throws Exception {
      byte[] jpeg = jpeg640x480(Files.readAllBytes(image));
      System.out.printf(Locale.ROOT, "photo: %s as a 640x480 JPEG of %d bytes; %d warm-up + %d timed iterations, 1 thread%n",
          image, jpeg.length, warmup, iterations);
      System.out.printf(Locale.ROOT, "machine: %d cores, load average before: %s%n",
          Runtime.getRuntime().availableProcessors(), MachineLoad.loadAverage());
      try (FacePipeline pipeline = pipelineOptions.load()) {
        PipelineBenchmark.Result r = new PipelineBenchmark(pipeline).run(jpeg, warmup, iterations, System.out);
        System.out.printf(Locale.ROOT, "load average after: %s%n", MachineLoad.loadAverage());
        System.out.printf(Locale.ROOT,
            "decode_ms=%.2f detect_ms=%.2f landmarks_ms=%.2f align_ms=%.2f embed_ms=%.2f age_gender_ms=%.2f "
                + "total_ms=%.2f total_cpu_ms=%.2f load1=%s%n",
            r.decode(), r.detect(), r.landmarks(), r.align(), r.embed(), r.ageGender(), r.total(), r.totalCpu(),
            MachineLoad.loadAverage().split(" ")[0]);
      }
      return 0;
    }

    private static byte[] jpeg640x480(byte[] photo) throws Exception {
      BgrImage resized = Warp.resize(new ImageDecoder().decode(photo), 640, 480);
      BufferedImage img = new BufferedImage(640, 480, BufferedImage.TYPE_3BYTE_BGR);
      System.arraycopy(resized.bgr(), 0, ((DataBufferByte) img.getRaster().getDataBuffer()).getData(), 0,
          resized.bgr().length);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(img, "jpeg", out);
      return out.toByteArray();
    }
  }
}
