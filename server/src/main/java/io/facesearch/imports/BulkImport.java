package io.facesearch.imports;

import io.facesearch.accounts.Application;
import io.facesearch.gallery.FaceSource;
import io.facesearch.image.ImageDecoder;
import io.facesearch.image.ImageRejectedException;
import io.facesearch.search.FaceSearchService;
import io.facesearch.sessions.SessionStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Enrolls many photos: in parallel (inference on every core; the SQL writes queue), skipping entries a
 * previous run enrolled ({@code import_keys}), with a progress bar and a summary.
 */
public final class BulkImport {

  /** Counts of one run. */
  public record Summary(
      int total, int enrolled, int alreadyDone, int noFace, int errors, double seconds) {
    public double facesPerSecond() {
      return seconds > 0 ? enrolled / seconds : 0;
    }

    public String line() {
      return String.format(
          Locale.ROOT,
          "total=%d enrolled=%d already_done=%d no_face=%d errors=%d seconds=%.1f faces_per_s=%.1f",
          total,
          enrolled,
          alreadyDone,
          noFace,
          errors,
          seconds,
          facesPerSecond());
    }
  }

  private final FaceSearchService service;
  private final ImageDecoder decoder = new ImageDecoder();

  public BulkImport(FaceSearchService service) {
    this.service = service;
  }

  public Summary run(
      Application app,
      List<ImportEntry> entries,
      int threads,
      PrintStream progress,
      PrintStream problems)
      throws InterruptedException {
    AtomicInteger enrolled = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    AtomicInteger noFace = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    Set<String> seen = new HashSet<>();
    for (ImportEntry e : entries) {
      if (!seen.add(
          e.key())) { // the same photo twice in one file: the first row counts, as a rerun would
        errors.incrementAndGet();
        finished.incrementAndGet();
        problems.println(
            "error: " + e.key() + ": a second row for the same photo; the first row is imported");
        continue;
      }
      pool.submit(
          () -> {
            try {
              switch (importOne(app, e)) {
                case ENROLLED -> enrolled.incrementAndGet();
                case ALREADY_DONE -> done.incrementAndGet();
                case NO_FACE -> {
                  noFace.incrementAndGet();
                  problems.println("no face: " + e.key());
                }
              }
            } catch (IOException | ImageRejectedException | RuntimeException ex) {
              errors.incrementAndGet();
              problems.println("error: " + e.key() + ": " + ex.getMessage());
            }
            finished.incrementAndGet();
          });
    }
    pool.shutdown();
    // On a terminal the bar redraws in place twice a second; in a log, one line every ten seconds.
    boolean terminal = System.console() != null;
    long lastLine = System.nanoTime();
    while (!pool.awaitTermination(500, TimeUnit.MILLISECONDS)) {
      if (terminal || System.nanoTime() - lastLine > 10_000_000_000L) {
        bar(progress, finished.get(), entries.size(), enrolled.get(), start, terminal);
        lastLine = System.nanoTime();
      }
    }
    bar(progress, finished.get(), entries.size(), enrolled.get(), start, terminal);
    if (terminal) {
      progress.println();
    }
    return new Summary(
        entries.size(),
        enrolled.get(),
        done.get(),
        noFace.get(),
        errors.get(),
        (System.nanoTime() - start) / 1e9);
  }

  private enum Outcome {
    ENROLLED,
    ALREADY_DONE,
    NO_FACE
  }

  private Outcome importOne(Application app, ImportEntry e)
      throws IOException, ImageRejectedException {
    if (service.imported(app, e.key())) {
      return Outcome.ALREADY_DONE;
    }
    SessionStatus status =
        e.status() == null ? SessionStatus.APPROVED : SessionStatus.fromWire(e.status());
    if (status == null) {
      throw new IllegalArgumentException("unknown status " + e.status());
    }
    var enrollment =
        new FaceSearchService.Enrollment(
            e.vendorData(),
            status,
            e.verificationDate(),
            e.name(),
            e.documentType(),
            e.documentNumber(),
            FaceSource.IMPORTED,
            e.key());
    try {
      service.enroll(app, decoder.decode(Files.readAllBytes(e.photo())), enrollment);
      return Outcome.ENROLLED;
    } catch (FaceSearchService.FaceCountException count) {
      if (count.faces() > 0) {
        throw new IllegalArgumentException(count.getMessage()); // counted with the errors
      }
      return Outcome.NO_FACE;
    }
  }

  private static void bar(
      PrintStream out, int finished, int total, int enrolled, long start, boolean inPlace) {
    int width = 30;
    int filled = total == 0 ? width : (int) ((long) finished * width / total);
    double seconds = (System.nanoTime() - start) / 1e9;
    out.printf(
        Locale.ROOT,
        "%s[%s%s] %d/%d  %.1f faces/s%s",
        inPlace ? "\r" : "",
        "#".repeat(filled),
        ".".repeat(width - filled),
        finished,
        total,
        seconds > 0 ? enrolled / seconds : 0,
        inPlace ? "" : "\n");
    out.flush();
  }
}
