package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facesearch.billing.Prices;
import io.facesearch.pipeline.TestData;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Issue 20, "what must be shown": a generated corpus of at least 10,000 malformed requests
 * ({@link MalformedRequests}, seeded) replayed over HTTP against a running server by 4 clients: no 5xx, no hang
 * (an answer or a close within 30 s each), and a bounded heap. The heap after a full GC is measured after the
 * first 1,000 requests, after half the corpus and at the end: it rises once while buffers, caches and the gallery
 * fill (measured +80 MB over the first half, seed 202026) and must then be flat: under 32 MB over the second half,
 * and under 128 MB in all after the first 1,000.
 * {@code -Dfacesearch.corpus.seed=N} and {@code -Dfacesearch.corpus.size=N} change the corpus.
 *
 * <p>SQLite only: it tests the HTTP layer's refusals and measures the heap of its own JVM; the truth behind the
 * routes is exercised on both backends by the parameterised API suites, and a second 10,000-request replay would
 * double the longest part of CI for no new path.
 */
class MalformedCorpusReplayTest {

  private static final long MAX_HEAP_GROWTH = 32L << 20;
  private static final int WARM_UP = 1000;
  private static final int HANG_MS = 30_000;

  @Test
  void ten_thousand_malformed_requests_get_no_5xx_no_hang_and_bounded_heap() throws Exception {
    long seed = Long.getLong("facesearch.corpus.seed", 20_2026L);
    int size = Integer.getInteger("facesearch.corpus.size", 10_000);
    System.out.println("MalformedCorpusReplayTest seed " + seed + ", " + size + " requests");
    try (TestServer server =
        TestServer.with(
            Prices.DEFAULTS, null, new FaceSearchApp.Limits(10_000_000, 10_000_000, 1_000_000))) {
      HttpResponse<String> list =
          Http.postJsonWithKey(
              server.url("/v3/lists/"),
              server.apiKey,
              "{\"name\":\"fuzz\",\"list_type\":\"blocklist\"}");
      String listId = Http.json(list).get("uuid").asText();
      List<MalformedRequests.Case> corpus =
          new MalformedRequests(
                  seed, MalformedRequests.photos(TestData.file("lfw-dev/images"), 8), listId)
              .generate(size);

      Map<String, AtomicLong> statuses = new ConcurrentHashMap<>();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      AtomicLong maxMs = new AtomicLong();
      long heapAtStart = heapAfterGc();
      long t0 = System.nanoTime();
      replay(server, corpus.subList(0, WARM_UP), statuses, failures, maxMs);
      long heapWarm = heapAfterGc();
      int half = WARM_UP + (size - WARM_UP) / 2;
      replay(server, corpus.subList(WARM_UP, half), statuses, failures, maxMs);
      long heapHalf = heapAfterGc();
      replay(server, corpus.subList(half, size), statuses, failures, maxMs);
      long heapEnd = heapAfterGc();
      long seconds = (System.nanoTime() - t0) / 1_000_000_000L;

      Map<String, Long> summary = new TreeMap<>();
      statuses.forEach((k, v) -> summary.put(k, v.get()));
      System.out.printf(
          "replayed %d requests in %d s: %s; slowest %d ms; heap after full GC: %d MB at start, %d MB "
              + "after %d, %d MB after %d, %d MB after %d%n",
          size,
          seconds,
          summary,
          maxMs.get(),
          heapAtStart >> 20,
          heapWarm >> 20,
          WARM_UP,
          heapHalf >> 20,
          half,
          heapEnd >> 20,
          size);
      failures.stream().limit(20).forEach(f -> System.out.println("  " + f));
      assertEquals(List.of(), List.copyOf(failures), "5xx answers or hangs");
      assertTrue(
          heapEnd - heapHalf < MAX_HEAP_GROWTH,
          "second half: heap grew " + ((heapEnd - heapHalf) >> 20) + " MB");
      assertTrue(
          heapEnd - heapWarm < 4 * MAX_HEAP_GROWTH,
          "heap grew " + ((heapEnd - heapWarm) >> 20) + " MB");
      HttpResponse<String> health = Http.get(server.url("/health"), null);
      assertEquals(200, health.statusCode(), "the server still answers");
    }
  }

  private static void replay(
      TestServer server,
      List<MalformedRequests.Case> cases,
      Map<String, AtomicLong> statuses,
      ConcurrentLinkedQueue<String> failures,
      AtomicLong maxMs)
      throws InterruptedException {
    ExecutorService clients = Executors.newFixedThreadPool(4);
    for (int i = 0; i < cases.size(); i++) {
      MalformedRequests.Case c = cases.get(i);
      int index = i;
      clients.execute(
          () -> {
            long t0 = System.nanoTime();
            String outcome;
            try {
              int status = exchange(server, c);
              outcome = status < 0 ? "closed" : Integer.toString(status);
              if (status >= 500) {
                failures.add("#" + index + " " + c.kind() + " -> " + status);
              }
            } catch (SocketTimeoutException hang) {
              outcome = "hang";
              failures.add("#" + index + " " + c.kind() + " -> no answer in " + HANG_MS + " ms");
            } catch (IOException e) {
              outcome = "io-error"; // the server closed under a request it refused to read (e.g. an
              // oversized header)
            }
            maxMs.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
            statuses.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
          });
    }
    clients.shutdown();
    if (!clients.awaitTermination(20, TimeUnit.MINUTES)) {
      clients.shutdownNow();
      failures.add("replay did not finish in 20 minutes");
    }
  }

  private static int exchange(TestServer server, MalformedRequests.Case c) throws IOException {
    byte[] request =
        c.raw() != null
            ? new String(c.raw(), StandardCharsets.ISO_8859_1)
                .replace("x-api-key: KEY", "x-api-key: " + server.apiKey)
                .getBytes(StandardCharsets.ISO_8859_1)
            : RawHttp.request(c.method(), c.path(), server.apiKey, c.contentType(), c.body());
    return RawHttp.exchange(server.app.port(), request, HANG_MS);
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
