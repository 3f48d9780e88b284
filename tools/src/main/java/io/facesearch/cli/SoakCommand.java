package io.facesearch.cli;

import io.facesearch.bench.Soak;
import io.facesearch.bench.SoakPlot;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code facesearch bench soak}: mixed traffic against a running server for a long time, sampling the server
 * process every minute; writes a CSV as it goes and a PNG plot at the end (see docs/reliability.md).
 */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    description =
        "Mixed traffic (searches, enrollments, erasures, face-list uploads) against a running server, "
            + "sampling its RSS, heap after GC, threads, fds and latency every minute.")
final class SoakCommand implements Callable<Integer> {

  @Option(names = "--url", description = "The server (default: http://127.0.0.1:8080).")
  URI url = URI.create("http://127.0.0.1:8080");

  @Option(
      names = "--key",
      required = true,
      description = "An API key of the server (of an unmetered organization).")
  String key;

  @Option(
      names = "--pid",
      description = "The server's process id, to sample (default: none; samples are -1).")
  long pid = -1;

  @Option(names = "--server-data", description = "The server's data folder, to sample its size.")
  Path serverData;

  @Option(names = "--minutes", description = "Duration (default: 60).")
  int minutes = 60;

  @Option(names = "--sample-seconds", description = "Sampling interval (default: 60).")
  int sampleSeconds = 60;

  @Option(names = "--clients", description = "Concurrent clients (default: 4).")
  int clients = 4;

  @Option(
      names = "--think-ms",
      description = "Pause of each client between requests (default: 100).")
  int thinkMs = 100;

  @Option(
      names = "--photos",
      description = "LFW-style folder of photos (default: ../shared/data/lfw-dev/images).")
  Path photos = Path.of("../shared/data/lfw-dev/images");

  @Option(names = "--photo-count", description = "Photos preloaded (default: 400).")
  int photoCount = 400;

  @Option(names = "--seed", description = "Seed of the clients' choices (default: 20).")
  long seed = 20;

  @Option(names = "--csv", description = "Samples, appended every interval (default: soak.csv).")
  Path csv = Path.of("soak.csv");

  @Option(names = "--png", description = "Plot written at the end (default: soak.png).")
  Path png = Path.of("soak.png");

  @Option(names = "--plot-only", description = "Only draw --png from an existing --csv.")
  boolean plotOnly;

  @Override
  public Integer call() throws Exception {
    if (!plotOnly) {
      System.out.printf(
          "soak: %d clients for %d minutes against %s (seed %d)%n", clients, minutes, url, seed);
      long errors =
          new Soak(
                  new Soak.Config(
                      url,
                      key,
                      pid,
                      serverData,
                      Duration.ofMinutes(minutes),
                      clients,
                      Duration.ofSeconds(sampleSeconds),
                      Duration.ofMillis(thinkMs),
                      photos,
                      photoCount,
                      seed,
                      csv),
                  System.out)
              .run();
      SoakPlot.write(SoakPlot.read(csv), png);
      System.out.println("errors=" + errors + " csv=" + csv + " png=" + png);
      return errors == 0 ? 0 : 1;
    }
    SoakPlot.write(SoakPlot.read(csv), png);
    return 0;
  }
}
