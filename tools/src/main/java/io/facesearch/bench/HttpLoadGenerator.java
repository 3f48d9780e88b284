package io.facesearch.bench;

import io.facesearch.client.MultipartBody;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Closed-loop HTTP load on loopback servers (one, or several taken round-robin): {@code c} client threads, each sending its next request as soon as
 * the previous answer has been read completely, until a fixed number of requests is done.
 *
 * <p>Requests are built once and cycled over; the hot loop only sends, times and checks. Latency is from just
 * before {@code send} to the fully read body. One {@link HttpClient} (HTTP/1.1, a pooled connection per busy client
 * thread) serves all threads. Around each timed run the process's thread CPU time and run-queue wait are read
 * ({@link ThreadSchedStats}); client threads stay alive until then so that none of their time is lost.
 */
public final class HttpLoadGenerator {

  /**
   * One concurrency level.
   *
   * @param latency     latency of every request, errors included
   * @param errors      answers other than 200, and requests that failed with an I/O error
   * @param matched     200 answers with {@code total_matches > 0}
   * @param wallNanos   from releasing the client threads to the last answer
   * @param cpu         on-CPU time of the process's threads during the run, by role
   * @param waitNanos   time those threads were runnable but waited for a core (0 where not reported)
   * @param firstError  status and start of the body of the first error, or null
   * @param answers     what each timed request answered, in ticket order (which photo, status, matches)
   */
  public record LevelResult(
      int concurrency,
      LatencySample latency,
      int errors,
      int matched,
      long wallNanos,
      ThreadSchedStats.CpuSplit cpu,
      long waitNanos,
      String firstError,
      List<SearchAnswer> answers) {
    public LevelResult {
      answers = List.copyOf(answers);
    }

    public double requestsPerSecond() {
      return latency.count() / (wallNanos / 1e9);
    }

    /** CPU milliseconds per request of the threads of {@code nanos} (a {@link #cpu} component). */
    public double msPerRequest(long nanos) {
      return nanos / 1e6 / latency.count();
    }

    /** Cores the process kept busy on average. */
    public double coresUsed() {
      return (double) cpu.total() / wallNanos;
    }

    public double waitMsPerRequest() {
      return msPerRequest(waitNanos);
    }
  }

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  private static final long RUN_TIMEOUT_MINUTES = 30;
  private static final String TOTAL_MATCHES = "\"total_matches\":";

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** {@code requests[photo * nodes + node]}. */
  private final HttpRequest[] requests;

  private final int photos;
  private final int nodes;

  private HttpLoadGenerator(HttpRequest[] requests, int photos, int nodes) {
    if (photos * nodes != requests.length) {
      throw new IllegalArgumentException("requests must be photos x nodes");
    }
    if (requests.length == 0) {
      throw new IllegalArgumentException("no requests to send");
    }
    for (HttpRequest request : requests) {
      if (!"127.0.0.1".equals(request.uri().getHost())) {
        throw new IllegalArgumentException(
            "the load generator only targets 127.0.0.1: " + request.uri());
      }
    }
    this.requests = requests.clone();
    this.photos = photos;
    this.nodes = nodes;
  }

  /** Face searches of these photos ({@code user_image}, {@code save_api_request=false}: the gallery never grows). */
  public static HttpLoadGenerator faceSearches(URI endpoint, String apiKey, List<byte[]> jpegs) {
    return faceSearches(List.of(endpoint), apiKey, jpegs);
  }

  /**
   * Face searches of these photos spread round-robin over {@code endpoints} (the same endpoint on several nodes).
   * Request {@code i} of a run sends photo {@code i mod photos}, whatever the number of endpoints, so that runs
   * against one node and against several send the same photos in the same order and their answers can be compared
   * photo by photo ({@link AnswerComparison}). It goes to endpoint {@code (photo + cycle) mod nodes}, where
   * {@code cycle = i / photos}: consecutive requests go to consecutive endpoints (but at the end of a cycle), and
   * a photo goes to the next endpoint each time it is sent again, so every photo reaches every endpoint in turn.
   */
  public static HttpLoadGenerator faceSearches(
      List<URI> endpoints, String apiKey, List<byte[]> jpegs) {
    int nodes = endpoints.size();
    HttpRequest[] requests = new HttpRequest[jpegs.size() * nodes];
    for (int i = 0; i < jpegs.size(); i++) {
      byte[] body =
          new MultipartBody()
              .field("save_api_request", "false")
              .file("user_image", "photo-" + i + ".jpg", "image/jpeg", jpegs.get(i))
              .bytes();
      for (int n = 0; n < nodes; n++) {
        requests[i * nodes + n] =
            HttpRequest.newBuilder(endpoints.get(n))
                .timeout(REQUEST_TIMEOUT)
                .header("x-api-key", apiKey)
                .header("Content-Type", MultipartBody.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
      }
    }
    return new HttpLoadGenerator(requests, jpegs.size(), nodes);
  }

  /** GETs of one URL: the round trip of the HTTP stack alone. */
  public static HttpLoadGenerator gets(URI url) {
    return gets(List.of(url));
  }

  /** GETs of these URLs, round-robin. */
  public static HttpLoadGenerator gets(List<URI> urls) {
    HttpRequest[] requests = new HttpRequest[urls.size()];
    for (int i = 0; i < requests.length; i++) {
      requests[i] = HttpRequest.newBuilder(urls.get(i)).timeout(REQUEST_TIMEOUT).GET().build();
    }
    return new HttpLoadGenerator(requests, 1, requests.length);
  }

  /** The photo that request {@code ticket} of a run sends: the same for any number of endpoints. */
  int photoOf(int ticket) {
    return ticket % photos;
  }

  /** The request of {@code ticket}: photo {@link #photoOf}, to the endpoint after the one of its last sending. */
  private HttpRequest requestOf(int ticket) {
    int photo = photoOf(ticket);
    int node = (photo + ticket / photos) % nodes;
    return requests[photo * nodes + node];
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
    CountDownLatch drained = new CountDownLatch(concurrency);
    CountDownLatch release = new CountDownLatch(1);
    Thread[] clients = new Thread[concurrency];
    for (int t = 0; t < concurrency; t++) {
      clients[t] =
          Thread.ofPlatform()
              .name("bench-client-" + t)
              .daemon(true)
              .start(
                  () -> {
                    try {
                      start.await();
                      level.drain();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                      return;
                    } finally {
                      drained.countDown();
                    }
                    try {
                      release.await(
                          RUN_TIMEOUT_MINUTES,
                          TimeUnit.MINUTES); // alive until the schedstat snapshot
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  });
    }
    ThreadSchedStats before = ThreadSchedStats.take();
    long t0 = System.nanoTime();
    start.countDown();
    boolean finished = drained.await(RUN_TIMEOUT_MINUTES, TimeUnit.MINUTES);
    long wall = System.nanoTime() - t0;
    ThreadSchedStats after = ThreadSchedStats.take();
    release.countDown();
    for (Thread client : clients) {
      client.join(TimeUnit.MINUTES.toMillis(1));
    }
    if (!finished || level.completed.get() != count) {
      throw new IllegalStateException(
          "the clients completed " + level.completed.get() + " of " + count + " requests");
    }
    return new LevelResult(
        concurrency,
        new LatencySample(level.nanos, count),
        level.errors.get(),
        level.matched.get(),
        wall,
        after.cpuSince(before),
        after.waitNanosSince(before),
        level.firstError.get(),
        level.answers());
  }

  /** The shared state of one run: a ticket counter and one latency slot per ticket. */
  private final class Level {
    final long[] nanos;
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger completed = new AtomicInteger();
    final AtomicInteger errors = new AtomicInteger();
    final AtomicInteger matched = new AtomicInteger();
    final AtomicReference<String> firstError = new AtomicReference<>();

    /** Status and body per ticket, reduced to {@link SearchAnswer}s after the run (out of the timed loop). */
    final int[] statuses;

    final String[] bodies;

    Level(int count) {
      this.nanos = new long[count];
      this.statuses = new int[count];
      this.bodies = new String[count];
    }

    List<SearchAnswer> answers() {
      List<SearchAnswer> answers = new ArrayList<>(bodies.length);
      for (int i = 0; i < bodies.length; i++) {
        answers.add(SearchAnswer.of(photoOf(i), statuses[i], bodies[i]));
      }
      return answers;
    }

    void drain() throws InterruptedException {
      for (int i = next.getAndIncrement(); i < nanos.length; i = next.getAndIncrement()) {
        HttpRequest request = requestOf(i);
        long t0 = System.nanoTime();
        int status;
        String body;
        try {
          HttpResponse<String> response =
              client.send(request, HttpResponse.BodyHandlers.ofString());
          status = response.statusCode();
          body = response.body();
        } catch (IOException e) {
          status = -1;
          body = e.toString();
        }
        nanos[i] = System.nanoTime() - t0;
        statuses[i] = status;
        bodies[i] = body;
        completed.incrementAndGet();
        if (status != 200) {
          errors.incrementAndGet();
          firstError.compareAndSet(
              null, status + " " + body.substring(0, Math.min(200, body.length())));
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
    for (int i = at + TOTAL_MATCHES.length();
        i < body.length() && Character.isDigit(body.charAt(i));
        i++) {
      value = value * 10 + (body.charAt(i) - '0');
    }
    return value;
  }
}
