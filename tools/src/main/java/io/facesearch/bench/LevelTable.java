package io.facesearch.bench;

import java.io.PrintStream;
import java.util.Locale;

/** Prints {@link HttpLoadGenerator.LevelResult}s as one table row per concurrency level. */
final class LevelTable {

  private LevelTable() {}

  /** The one-line result of a single-client run of a cheap request: what HTTP alone costs here. */
  static void printFloor(PrintStream out, String what, HttpLoadGenerator.LevelResult r) {
    out.printf(
        Locale.ROOT,
        "HTTP floor: %s, 1 client: p50 %.2f ms, p99 %.2f ms; per request %.2f ms CPU (server "
            + "%.2f, client %.2f) and %.2f ms run-queue wait; errors %d%n",
        what,
        r.latency().medianMs(),
        r.latency().percentileMs(99),
        r.msPerRequest(r.cpu().total()),
        r.msPerRequest(r.cpu().server()),
        r.msPerRequest(r.cpu().client()),
        r.waitMsPerRequest(),
        r.errors());
  }

  static void printHeader(PrintStream out) {
    out.println(
        "latency in ms; CPU and run-queue wait in ms per request, summed over the process's threads "
            + "(server: Jetty threads incl. the pipeline; client: the load generator; jit; gc)");
    out.printf(
        Locale.ROOT,
        "%5s %6s %7s %7s %7s %6s | %6s %6s %6s %6s %6s | %6s %5s | %6s %7s%n",
        "conc",
        "reqs",
        "p50",
        "p99",
        "mean",
        "req/s",
        "cpu",
        "server",
        "client",
        "jit",
        "gc",
        "wait",
        "cores",
        "errors",
        "matched");
  }

  static void printRow(PrintStream out, HttpLoadGenerator.LevelResult r) {
    ThreadSchedStats.CpuSplit cpu = r.cpu();
    out.printf(
        Locale.ROOT,
        "%5d %6d %7.1f %7.1f %7.1f %6.1f | %6.1f %6.1f %6.1f %6.1f %6.1f | %6.1f %5.2f | %6d %7d%n",
        r.concurrency(),
        r.latency().count(),
        r.latency().medianMs(),
        r.latency().percentileMs(99),
        r.latency().meanMs(),
        r.requestsPerSecond(),
        r.msPerRequest(cpu.total()),
        r.msPerRequest(cpu.server()),
        r.msPerRequest(cpu.client()),
        r.msPerRequest(cpu.jit()),
        r.msPerRequest(cpu.gc()),
        r.waitMsPerRequest(),
        r.coresUsed(),
        r.errors(),
        r.matched());
    if (r.firstError() != null) {
      out.println("  first error: " + r.firstError());
    }
  }
}
