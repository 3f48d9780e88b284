package io.facesearch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facesearch.client.MultipartBody;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Stream;

/**
 * A long run of mixed traffic against a running server (searches, enrollments, erasures, face-list uploads and
 * removals, session listings) from N clients, sampling the server process every interval: RSS, heap used after a
 * full GC (through {@code jcmd}), threads, open file descriptors, data folder size, and per-interval latency and
 * error counts. Each sample is appended to a CSV at once, so a crash of either side leaves the samples so far.
 *
 * <p>An error is a 5xx, a failed connection, a timeout, or any status other than the one the operation expects.
 */
public final class Soak {

  /** What to run. */
  public record Config(
      URI server,
      String apiKey,
      long serverPid,
      Path serverData,
      Duration duration,
      int clients,
      Duration sampleEvery,
      Duration thinkTime,
      Path photos,
      int photoCount,
      long seed,
      Path csv) {}

  /** Operations, with their share of the traffic. */
  enum Op {
    SEARCH(45),
    ENROLL(15),
    ERASE(25),
    LIST_UPLOAD(5),
    LIST_REMOVE(5),
    LIST_SESSIONS(5);

    final int weight;

    Op(int weight) {
      this.weight = weight;
    }
  }

  private static final int KEEP_ENROLLED = 300;
  private static final int KEEP_LIST_ENTRIES = 100;

  private final Config cfg;
  private final PrintStream out;
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<byte[]> photos = new ArrayList<>();
  private final ConcurrentLinkedDeque<String> enrolled = new ConcurrentLinkedDeque<>();
  private final ConcurrentLinkedDeque<String> listEntries = new ConcurrentLinkedDeque<>();
  private String listId;
  // per interval, per op: count, errors, latency sum; plus all latencies of the interval for
  // percentiles
  private final AtomicLongArray counts = new AtomicLongArray(Op.values().length);
  private final AtomicLongArray errors = new AtomicLongArray(Op.values().length);
  private final ConcurrentLinkedDeque<Long> latencies = new ConcurrentLinkedDeque<>();
  private final AtomicLong totalRequests = new AtomicLong();
  private final AtomicLong totalErrors = new AtomicLong();
  private final AtomicLong total5xx = new AtomicLong();
  private final ConcurrentLinkedDeque<String> errorExamples = new ConcurrentLinkedDeque<>();
  private volatile boolean stop;

  public Soak(Config cfg, PrintStream out) {
    this.cfg = cfg;
    this.out = out;
  }

  /** Runs the soak; returns the number of errors. */
  public long run() throws Exception {
    loadPhotos();
    listId = createList();
    Files.createDirectories(cfg.csv().toAbsolutePath().getParent());
    try (Writer csv = Files.newBufferedWriter(cfg.csv(), StandardCharsets.UTF_8)) {
      csv.write(SoakSample.CSV_HEADER + "\n");
      csv.flush();
      List<Thread> clients = new ArrayList<>();
      for (int i = 0; i < cfg.clients(); i++) {
        long seed = cfg.seed() + i;
        clients.add(
            Thread.ofPlatform().name("soak-client-" + i).start(() -> client(new Random(seed))));
      }
      long start = System.nanoTime();
      long end = start + cfg.duration().toNanos();
      int minute = 0;
      while (System.nanoTime() < end) {
        long next = start + (minute + 1) * cfg.sampleEvery().toNanos();
        TimeUnit.NANOSECONDS.sleep(Math.max(0, Math.min(next, end) - System.nanoTime()));
        minute++;
        SoakSample s = sample(minute, (System.nanoTime() - start) / 1e9);
        csv.write(s.csvLine() + "\n");
        csv.flush();
        out.println(s.describe());
      }
      stop = true;
      for (Thread t : clients) {
        t.join(60_000);
      }
    }
    out.printf(
        Locale.ROOT,
        "soak: requests=%d errors=%d 5xx=%d enrolled_now=%d list_entries_now=%d%n",
        totalRequests.get(),
        totalErrors.get(),
        total5xx.get(),
        enrolled.size(),
        listEntries.size());
    errorExamples.stream().limit(10).forEach(e -> out.println("  error: " + e));
    return totalErrors.get();
  }

  private void loadPhotos() throws IOException {
    List<Path> people;
    try (Stream<Path> s = Files.list(cfg.photos())) {
      people = s.filter(Files::isDirectory).sorted().toList();
    }
    for (Path person : people) {
      if (photos.size() >= cfg.photoCount()) {
        break;
      }
      try (Stream<Path> s = Files.list(person)) {
        for (Path p : s.filter(f -> f.toString().endsWith(".jpg")).sorted().limit(2).toList()) {
          photos.add(Files.readAllBytes(p));
        }
      }
    }
    if (photos.isEmpty()) {
      throw new IllegalArgumentException("no photos in " + cfg.photos());
    }
  }

  private String createList() throws Exception {
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(cfg.server().resolve("/v3/lists/"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"soak\",\"list_type\":\"blocklist\"}")));
    if (r.statusCode() != 201 && r.statusCode() != 200) {
      throw new IllegalStateException(
          "cannot create a face list: " + r.statusCode() + " " + r.body());
    }
    JsonNode body = json.readTree(r.body());
    JsonNode id = body.has("uuid") ? body.get("uuid") : body.get("id");
    return id.asText();
  }

  private void client(Random random) {
    int totalWeight = Stream.of(Op.values()).mapToInt(o -> o.weight).sum();
    while (!stop) {
      int pick = random.nextInt(totalWeight);
      Op op = Op.SEARCH;
      for (Op o : Op.values()) {
        if ((pick -= o.weight) < 0) {
          op = o;
          break;
        }
      }
      long t0 = System.nanoTime();
      String problem;
      try {
        problem = perform(op, random);
      } catch (IOException e) {
        problem = e.getClass().getSimpleName() + ": " + e.getMessage();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        problem = e.toString();
      }
      if (problem == SKIPPED) {
        continue;
      }
      long nanos = System.nanoTime() - t0;
      counts.incrementAndGet(op.ordinal());
      latencies.add(nanos);
      totalRequests.incrementAndGet();
      if (problem != null) {
        errors.incrementAndGet(op.ordinal());
        totalErrors.incrementAndGet();
        if (problem.startsWith("5")) {
          total5xx.incrementAndGet();
        }
        if (errorExamples.size() < 50) {
          errorExamples.add(Instant.now() + " " + op + " " + problem);
        }
      }
      try {
        Thread.sleep(cfg.thinkTime().toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static final String SKIPPED = "skipped";

  /** Null when the operation got the expected answer, else what went wrong. */
  private String perform(Op op, Random random) throws IOException, InterruptedException {
    byte[] photo = photos.get(random.nextInt(photos.size()));
    switch (op) {
      case SEARCH -> {
        boolean save =
            random.nextInt(5) == 0; // a fifth become API sessions, later erased like enrollments
        MultipartBody body =
            new MultipartBody()
                .file("user_image", "q.jpg", "image/jpeg", photo)
                .field("search_type", "most_similar")
                .field("save_api_request", Boolean.toString(save))
                .field("vendor_data", "soak-" + random.nextInt(1_000_000));
        HttpResponse<String> r = post("/v3/face-search/", body);
        if (r.statusCode() != 200) {
          return r.statusCode() + " " + abbreviate(r.body());
        }
        if (save) {
          rememberEnrolled(json.readTree(r.body()).path("request_id").asText(null));
        }
        return null;
      }
      case ENROLL -> {
        MultipartBody body =
            new MultipartBody()
                .file("user_image", "e.jpg", "image/jpeg", photo)
                .field("vendor_data", "soak-enrolled-" + random.nextInt(1_000_000));
        HttpResponse<String> r = post("/v3/sessions/", body);
        if (r.statusCode() == 400 && r.body().contains("face")) {
          return null; // a photo with several or no faces: the documented refusal
        }
        if (r.statusCode() != 201) {
          return r.statusCode() + " " + abbreviate(r.body());
        }
        rememberEnrolled(json.readTree(r.body()).path("session_id").asText(null));
        return null;
      }
      case ERASE -> {
        String id = enrolled.size() > KEEP_ENROLLED / 2 ? enrolled.pollFirst() : null;
        if (id == null) {
          return SKIPPED;
        }
        HttpResponse<String> r =
            send(
                HttpRequest.newBuilder(cfg.server().resolve("/v3/session/" + id + "/delete/"))
                    .DELETE());
        return r.statusCode() == 204 ? null : r.statusCode() + " " + abbreviate(r.body());
      }
      case LIST_UPLOAD -> {
        String b64 = Base64.getEncoder().encodeToString(photo);
        HttpResponse<String> r =
            send(
                HttpRequest.newBuilder(
                        cfg.server().resolve("/v3/lists/" + listId + "/entries/face-upload/"))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            json.writeValueAsString(Map.of("image", b64, "comment", "soak")))));
        if (r.statusCode() == 400 && r.body().contains("face")) {
          return null;
        }
        if (r.statusCode() != 201 && r.statusCode() != 200) {
          return r.statusCode() + " " + abbreviate(r.body());
        }
        JsonNode entry = json.readTree(r.body());
        String id = entry.has("uuid") ? entry.get("uuid").asText() : entry.path("id").asText(null);
        if (id != null) {
          listEntries.add(id);
        }
        return null;
      }
      case LIST_REMOVE -> {
        String id = listEntries.size() > KEEP_LIST_ENTRIES / 2 ? listEntries.pollFirst() : null;
        if (id == null) {
          return SKIPPED;
        }
        HttpResponse<String> r =
            send(
                HttpRequest.newBuilder(
                        cfg.server().resolve("/v3/lists/" + listId + "/entries/" + id + "/"))
                    .DELETE());
        return r.statusCode() == 204 || r.statusCode() == 200
            ? null
            : r.statusCode() + " " + abbreviate(r.body());
      }
      case LIST_SESSIONS -> {
        HttpResponse<String> r =
            send(HttpRequest.newBuilder(cfg.server().resolve("/v3/sessions/?page_size=20")).GET());
        return r.statusCode() == 200 ? null : r.statusCode() + " " + abbreviate(r.body());
      }
      default -> throw new IllegalStateException();
    }
  }

  private void rememberEnrolled(String id) {
    if (id != null && !id.isEmpty()) {
      enrolled.add(id);
    }
  }

  private HttpResponse<String> post(String path, MultipartBody body)
      throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(cfg.server().resolve(path))
            .header("Content-Type", MultipartBody.CONTENT_TYPE)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes())));
  }

  private HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return http.send(
        request.header("x-api-key", cfg.apiKey()).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String abbreviate(String s) {
    return s.length() > 160 ? s.substring(0, 160) + "..." : s;
  }

  private SoakSample sample(int minute, double elapsedSeconds) {
    List<Long> lat = new ArrayList<>();
    for (Long l; (l = latencies.pollFirst()) != null; ) {
      lat.add(l);
    }
    long[] nanos = lat.stream().mapToLong(Long::longValue).toArray();
    LatencySample ls = new LatencySample(nanos, nanos.length);
    long requests = 0;
    long errs = 0;
    long searches = counts.get(Op.SEARCH.ordinal());
    for (int i = 0; i < Op.values().length; i++) {
      requests += counts.getAndSet(i, 0);
      errs += errors.getAndSet(i, 0);
    }
    ServerProcess p = ServerProcess.of(cfg.serverPid());
    return new SoakSample(
        minute,
        elapsedSeconds,
        requests,
        searches,
        errs,
        nanos.length == 0 ? 0 : ls.medianMs(),
        nanos.length == 0 ? 0 : ls.percentileMs(99),
        nanos.length == 0 ? 0 : ls.percentileMs(100),
        p.rssMb(),
        p.heapAfterGcMb(),
        p.threads(),
        p.fds(),
        folderMb(cfg.serverData()),
        enrolled.size(),
        listEntries.size());
  }

  private static double folderMb(Path folder) {
    if (folder == null || !Files.isDirectory(folder)) {
      return -1;
    }
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(Files::isRegularFile)
              .mapToLong(
                  f -> {
                    try {
                      return Files.size(f);
                    } catch (IOException gone) {
                      return 0;
                    }
                  })
              .sum()
          / 1e6;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
