package io.facesearch.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Closed-loop HTTP load on {@code POST /v3/face-search/}: {@code c} client threads, each sending its next request as
 * soon as the previous answer has been read completely, until a fixed number of requests is done.
 *
 * <p>Every request body is built once ({@code user_image} plus {@code save_api_request=false}, so the gallery never
 * grows); the hot loop only sends, times and checks. Latency is from just before {@code send} to the fully read
 * body. One {@link HttpClient} (HTTP/1.1, a pooled connection per busy client thread) serves all threads.
 */
public final class HttpLoadGenerator {

  /**
   * One concurrency level.
   *
   * @param latency     latency of every completed request, errors included
   * @param errors      answers other than 200, and requests that failed with an I/O error
   * @param matched     200 answers with {@code total_matches > 0}
   * @param wallNanos   from releasing the client threads to the last answer
   * @param firstError  status and start of the body of the first error, or null
   */
  public record LevelResult(int concurrency, LatencySample latency, int errors, int matched, long wallNanos,
                            String firstError) {
    public double requestsPerSecond() {
      return latency.count() / (wallNanos / 1e9);
    }
  }

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  private static final long JOIN_TIMEOUT_MS = 30L * 60 * 1000;
  private static final String TOTAL_MATCHES = "\"total_matches\":";

  private final HttpClient client;
  private final HttpRequest[] requests;

  /** {@code endpoint} must be a loopback URL of the face search route. */
  public HttpLoadGenerator(URI endpoint, String apiKey, List<byte[]> jpegs) {
    if (!"127.0.0.1".equals(endpoint.getHost())) {
      throw new IllegalArgumentException("the load generator only targets 127.0.0.1: " + endpoint);
    }
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    this.requests = new HttpRequest[jpegs.size()];
    for (int i = 0; i < requests.length; i++) {
      byte[] body = new MultipartBody().field("save_api_request", "false")
          .file("user_image", "photo-" + i + ".jpg", "image/jpeg", jpegs.get(i)).bytes();
      requests[i] = HttpRequest.newBuilder(endpoint).timeout(REQUEST_TIMEOUT)
          .header("x-api-key", apiKey).header("Content-Type", MultipartBody.CONTENT_TYPE)
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }
  }

  /** Runs {@code warmup} untimed requests, then {@code count} timed ones, both with {@code concurrency} threads. */
  public LevelResult run(int concurrency, int warmup, int count) throws InterruptedException {
    if (warmup > 0) {
      runOnce(concurrency, warmup);
    }
    return runOnce(concurrency, count);
  }

  private LevelResult runOnce(int concurrency, int count) throws InterruptedException {
    if (concurrency < 1 || count < 1) {
      throw new IllegalArgumentException("concurrency and count must be positive");
    }
    Level level = new Level(count);
    CountDownLatch start = new CountDownLatch(1);
    Thread[] clients = new Thread[concurrency];
    for (int t = 0; t < concurrency; t++) {
      clients[t] = Thread.ofPlatform().name("bench-client-" + t).daemon(true).start(() -> {
        try {
          start.await();
          level.drain();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    }
    long t0 = System.nanoTime();
    start.countDown();
    for (Thread client : clients) {
      client.join(JOIN_TIMEOUT_MS);
      if (client.isAlive()) {
        throw new IllegalStateException("a client thread did not finish in " + JOIN_TIMEOUT_MS + " ms");
      }
    }
    long wall = System.nanoTime() - t0;
    if (level.completed.get() != count) {
      throw new InterruptedException("the clients stopped after " + level.completed.get() + " of " + count + " requests");
    }
    return new LevelResult(concurrency, new LatencySample(level.nanos, count), level.errors.get(),
        level.matched.get(), wall, level.firstError.get());
  }

  /** The shared state of one run: a ticket counter and one latency slot per ticket. */
  private final class Level {
    final long[] nanos;
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger completed = new AtomicInteger();
    final AtomicInteger errors = new AtomicInteger();
    final AtomicInteger matched = new AtomicInteger();
    final AtomicReference<String> firstError = new AtomicReference<>();

    Level(int count) {
      this.nanos = new long[count];
    }

    void drain() throws InterruptedException {
      for (int i = next.getAndIncrement(); i < nanos.length; i = next.getAndIncrement()) {
        HttpRequest request = requests[i % requests.length];
        long t0 = System.nanoTime();
        int status;
        String body;
        try {
          HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
          status = response.statusCode();
          body = response.body();
        } catch (IOException e) {
          status = -1;
          body = e.toString();
        }
        nanos[i] = System.nanoTime() - t0;
        completed.incrementAndGet();
        if (status != 200) {
          errors.incrementAndGet();
          firstError.compareAndSet(null, status + " " + body.substring(0, Math.min(200, body.length())));
        } else if (totalMatches(body) > 0) {
          matched.incrementAndGet();
        }
      }
    }
  }

  /** {@code face_search.total_matches} of an answer, read without a JSON parser; -1 if absent. */
  static int totalMatches(String body) {
    int at = body.indexOf(TOTAL_MATCHES);
    if (at < 0) {
      return -1;
    }
    int value = 0;
    for (int i = at + TOTAL_MATCHES.length(); i < body.length() && Character.isDigit(body.charAt(i)); i++) {
      value = value * 10 + (body.charAt(i) - '0');
    }
    return value;
  }
}
