package io.facesearch.bench;

import java.util.Locale;

/** One sample of a soak: the server process and the traffic of the interval that ended at {@code elapsedS}. */
public record SoakSample(
    int minute,
    double elapsedS,
    long requests,
    long searches,
    long errors,
    double p50Ms,
    double p99Ms,
    double maxMs,
    double rssMb,
    double heapAfterGcMb,
    int threads,
    int fds,
    double dataMb,
    int enrolled,
    int listEntries) {

  public static final String CSV_HEADER =
      "minute,elapsed_s,requests,searches,errors,p50_ms,p99_ms,max_ms,rss_mb,"
          + "heap_after_gc_mb,threads,fds,data_mb,enrolled,list_entries";

  public String csvLine() {
    return String.format(
        Locale.ROOT,
        "%d,%.1f,%d,%d,%d,%.1f,%.1f,%.1f,%.1f,%.1f,%d,%d,%.1f,%d,%d",
        minute,
        elapsedS,
        requests,
        searches,
        errors,
        p50Ms,
        p99Ms,
        maxMs,
        rssMb,
        heapAfterGcMb,
        threads,
        fds,
        dataMb,
        enrolled,
        listEntries);
  }

  public static SoakSample parse(String line) {
    String[] f = line.split(",");
    return new SoakSample(
        Integer.parseInt(f[0]),
        Double.parseDouble(f[1]),
        Long.parseLong(f[2]),
        Long.parseLong(f[3]),
        Long.parseLong(f[4]),
        Double.parseDouble(f[5]),
        Double.parseDouble(f[6]),
        Double.parseDouble(f[7]),
        Double.parseDouble(f[8]),
        Double.parseDouble(f[9]),
        Integer.parseInt(f[10]),
        Integer.parseInt(f[11]),
        Double.parseDouble(f[12]),
        Integer.parseInt(f[13]),
        Integer.parseInt(f[14]));
  }

  public String describe() {
    return String.format(
        Locale.ROOT,
        "minute %3d: %5d requests, %d errors, p50 %.0f ms, p99 %.0f ms, RSS %.0f MB, "
            + "heap after GC %.0f MB, %d threads, %d fds, data %.1f MB",
        minute,
        requests,
        errors,
        p50Ms,
        p99Ms,
        rssMb,
        heapAfterGcMb,
        threads,
        fds,
        dataMb);
  }
}
