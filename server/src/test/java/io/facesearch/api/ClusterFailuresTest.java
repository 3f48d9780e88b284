package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.facesearch.accounts.Application;
import io.facesearch.app.Node;
import io.facesearch.app.NodeSettings;
import io.facesearch.billing.Credits;
import io.facesearch.cluster.DevCluster;
import io.facesearch.cluster.FacesearchNodeProcess;
import io.facesearch.cluster.ThrowawayPostgres;
import io.facesearch.pipeline.TestData;
import io.facesearch.testing.TestPostgres;
import io.facesearch.testing.TestSolr;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Cluster mode under failures, on real engines: one {@link DevCluster} for the class (a throwaway PostgreSQL, a
 * 2-node SolrCloud whose one shard has a replica on each node, two facesearch node processes A and B), real photos
 * of distinct LFW people over real HTTP. The tests run in order, the most destructive (a node killed) last; each
 * leaves the cluster serving. Measured figures are printed ({@code cluster:} lines).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFailuresTest {

  /** CLUSTER's port range is 18750-18799: the nodes from here, PostgreSQL from {@link #POSTGRES_PORTS}. */
  private static final int FIRST_NODE_PORT = 18751;

  private static final int POSTGRES_PORTS = 18790;

  /** The visibility bound this test holds an enrollment to: acknowledged on A, found by a search on B. */
  private static final long VISIBILITY_BOUND_MS = 5_000;

  private static DevCluster cluster;
  private static FacesearchNodeProcess nodeA;
  private static FacesearchNodeProcess nodeB;

  /** A node in this JVM on the cluster's PostgreSQL, for what an operator does there (applications, credits). */
  private static Node admin;

  private static List<String> photos;
  private static final AtomicInteger NEXT_PHOTO = new AtomicInteger();

  @BeforeAll
  static void startCluster() throws IOException {
    TestPostgres.require();
    TestSolr.require();
    Path data = TempFolders.create("facesearch-cluster");
    // PostgreSQL runs as the user postgres when the tests run as root: it must reach its folder
    // inside.
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    photos = firstPhotoOfEachPerson();
    // Requests wait 3 s (not HikariCP's 30 s) for a connection while PostgreSQL is away; the nodes
    // inherit it.
    System.setProperty("facesearch.postgres.connectionTimeoutMs", "3000");
    try {
      cluster =
          DevCluster.start(
              new DevCluster.Settings(
                  data,
                  2,
                  FIRST_NODE_PORT,
                  ThrowawayPostgres.freePort(POSTGRES_PORTS, 10),
                  "1g",
                  List.of("--gallery-retry-seconds", "1")),
              System.out);
    } finally {
      System.clearProperty("facesearch.postgres.connectionTimeoutMs");
    }
    nodeA = cluster.nodes().get(0);
    nodeB = cluster.nodes().get(1);
    admin =
        Node.open(
            NodeSettings.of(Files.createDirectories(data.resolve("admin")))
                .withPostgres(
                    new NodeSettings.Postgres(cluster.databaseUrl(), ThrowawayPostgres.USER, "")),
            Clock.systemUTC());
  }

  @AfterAll
  static void stopCluster() {
    if (admin != null) {
      admin.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void an_enrollment_acknowledged_by_one_node_is_found_by_a_search_on_the_other() {
    int faces = 20;
    List<Long> visibleAfterMs = new ArrayList<>();
    List<Long> foundInMs = new ArrayList<>();
    int firstTry = 0;
    for (int i = 0; i < faces; i++) {
      String photo = nextPhoto();
      String session = enroll(nodeA, cluster.apiKey(), photo);
      long acknowledged = System.nanoTime();
      int attempts = 0;
      while (true) {
        long sent = System.nanoTime();
        attempts++;
        if (matchedSessions(search(nodeB, cluster.apiKey(), photo)).contains(session)) {
          visibleAfterMs.add((sent - acknowledged) / 1_000_000);
          foundInMs.add((System.nanoTime() - acknowledged) / 1_000_000);
          firstTry += attempts == 1 ? 1 : 0;
          break;
        }
        long waited = (System.nanoTime() - acknowledged) / 1_000_000;
        assertTrue(
            waited < VISIBILITY_BOUND_MS,
            "enrollment " + session + " not found on node B " + waited + " ms after node A's 201");
        sleep(50);
      }
    }
    System.out.printf(
        "cluster: enroll on A -> search on B, %d faces: found by the first search %d/%d; ack -> start of the "
            + "finding search p50 %d ms, max %d ms; ack -> answer p50 %d ms, max %d ms (load %.2f)%n",
        faces,
        firstTry,
        faces,
        percentile(visibleAfterMs, 50),
        percentile(visibleAfterMs, 100),
        percentile(foundInMs, 50),
        percentile(foundInMs, 100),
        load());
  }

  @Test
  @Order(2)
  void one_applications_face_never_appears_in_another_applications_search_on_the_other_node() {
    Application other = admin.accounts().createApplication("Other org", "Other app");
    String otherKey = admin.accounts().createKey(other.id()).key();
    String photo = nextPhoto();
    String session = enroll(nodeA, otherKey, photo);

    JsonNode fromDefault = search(nodeB, cluster.apiKey(), photo).get("face_search");
    assertEquals(0, fromDefault.get("total_matches").asInt(), fromDefault.toString());
    assertFalse(matchedSessions(fromDefault).contains(session));
    assertEquals(
        404,
        Http.get(nodeB.url().resolve("/v3/session/" + session + "/decision/"), cluster.apiKey())
            .statusCode());
    // The same search with the owner's key on the same node finds it: the filter, not absence, hid
    // it.
    assertTrue(matchedSessions(search(nodeB, otherKey, photo)).contains(session));
    assertEquals(
        200,
        Http.get(nodeB.url().resolve("/v3/session/" + session + "/decision/"), otherKey)
            .statusCode());
  }

  @Test
  @Order(3)
  void two_nodes_charging_one_organization_at_once_charge_each_search_once_and_never_overspend()
      throws Exception {
    Application metered = admin.accounts().createApplication("Metered org", "Metered app");
    String key = admin.accounts().createKey(metered.id()).key();
    Credits credits = admin.credits();
    credits.setMetered(metered.organizationId(), true);
    int balance = 10;
    int searches = 24;
    credits.add(metered.organizationId(), balance, "grant", "cluster test");
    String photo = nextPhoto();
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int i = 0; i < searches; i++) {
      FacesearchNodeProcess node = i % 2 == 0 ? nodeA : nodeB;
      done.add(
          pool.submit(
              () -> {
                go.await();
                HttpResponse<String> r = searchResponse(node, key, photo);
                statuses
                    .computeIfAbsent(r.statusCode(), s -> new AtomicInteger())
                    .incrementAndGet();
                return null;
              }));
    }
    go.countDown();
    for (Future<?> f : done) {
      f.get(5, TimeUnit.MINUTES);
    }
    pool.shutdown();
    int ok = count(statuses, 200);
    int refused = count(statuses, 403); // an empty balance: 403, as Didit answers
    long charges =
        credits.ledger(metered.organizationId()).stream()
            .filter(e -> e.kind().equals("charge"))
            .count();
    System.out.printf(
        "cluster: %d parallel searches on 2 nodes, balance %d: %s (200: %d, 403: %d), %d charges, "
            + "balance after %d%n",
        searches,
        balance,
        statuses,
        ok,
        refused,
        charges,
        credits.balance(metered.organizationId()));
    assertEquals(searches, ok + refused, "only 200 or 403: " + statuses);
    assertEquals(balance, ok, "every credit spent once: " + statuses);
    assertEquals(balance, charges);
    assertEquals(0, credits.balance(metered.organizationId()));
  }

  @Test
  @Order(4)
  void searches_keep_their_results_while_a_solr_node_is_stopped() throws Exception {
    Map<String, String> enrolled = new java.util.LinkedHashMap<>(); // photo -> session
    for (int i = 0; i < 5; i++) {
      String photo = nextPhoto();
      enrolled.put(photo, enroll(nodeA, cluster.apiKey(), photo));
    }
    Map<String, Set<String>> before = new ConcurrentHashMap<>();
    for (String photo : enrolled.keySet()) {
      Set<String> found = matchedSessions(search(nodeB, cluster.apiKey(), photo));
      assertTrue(found.contains(enrolled.get(photo)), photo);
      before.put(photo, found);
    }
    cluster.solr().stopNode(0);
    int answered = 0;
    try {
      for (int round = 0; round < 2; round++) {
        for (FacesearchNodeProcess node : List.of(nodeA, nodeB)) {
          for (String photo : enrolled.keySet()) {
            HttpResponse<String> r = searchResponse(node, cluster.apiKey(), photo);
            assertEquals(200, r.statusCode(), "with Solr node 0 stopped: " + r.body());
            assertEquals(before.get(photo), matchedSessions(Http.json(r)), photo);
            answered++;
          }
        }
      }
    } finally {
      cluster.solr().startNode(0);
    }
    System.out.printf(
        "cluster: Solr node 0 stopped: %d/%d searches answered with the same matches%n",
        answered, answered);
  }

  @Test
  @Order(5)
  void requests_during_a_postgresql_restart_get_503_and_the_nodes_recover_on_their_own() {
    cluster.postgres().stop();
    long down = System.nanoTime();
    try {
      for (FacesearchNodeProcess node : List.of(nodeA, nodeB)) {
        HttpResponse<String> r =
            Http.get(node.url().resolve("/v3/billing/balance/"), cluster.apiKey());
        assertEquals(503, r.statusCode(), () -> r.body() + unhandledInLog(node));
        assertEquals(FaceSearchApp.DATABASE_UNREACHABLE, Http.json(r).get("detail").asText());
        assertFalse(r.body().contains("Exception"), r.body());
        assertEquals("5", r.headers().firstValue("Retry-After").orElse(null));
        HttpResponse<String> search = searchResponse(node, cluster.apiKey(), photos.get(0));
        assertEquals(503, search.statusCode(), () -> search.body() + unhandledInLog(node));
        assertTrue(Http.json(search).has("detail"), search.body());
      }
    } finally {
      cluster.postgres().start();
    }
    long up = System.nanoTime();
    long[] recoveredMs = new long[2];
    for (int i = 0; i < 2; i++) {
      FacesearchNodeProcess node = i == 0 ? nodeA : nodeB;
      while (true) {
        int status =
            Http.get(node.url().resolve("/v3/billing/balance/"), cluster.apiKey()).statusCode();
        if (status == 200) {
          recoveredMs[i] = (System.nanoTime() - up) / 1_000_000;
          break;
        }
        assertTrue(
            System.nanoTime() - up < TimeUnit.SECONDS.toNanos(60),
            "node "
                + node.url()
                + " still answers "
                + status
                + " a minute after PostgreSQL is back");
        sleep(200);
      }
    }
    String photo = nextPhoto();
    String session = enroll(nodeA, cluster.apiKey(), photo);
    assertTrue(matchedSessions(search(nodeB, cluster.apiKey(), photo)).contains(session));
    System.out.printf(
        "cluster: PostgreSQL down %d ms; nodes answered 200 again %d ms and %d ms after it was back, "
            + "without a restart%n",
        (up - down) / 1_000_000, recoveredMs[0], recoveredMs[1]);
  }

  @Test
  @Order(6)
  void a_node_killed_during_enrollments_loses_nothing_it_acknowledged() throws Exception {
    int perNode = 10;
    List<String> acknowledged = Collections.synchronizedList(new ArrayList<>()); // "session photo"
    AtomicInteger lost = new AtomicInteger();
    AtomicInteger onB = new AtomicInteger();
    CountDownLatch bAcknowledgedSome = new CountDownLatch(3);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<?>> streams = new ArrayList<>();
    for (FacesearchNodeProcess node : List.of(nodeA, nodeB)) {
      streams.add(
          pool.submit(
              () -> {
                for (int i = 0; i < perNode; i++) {
                  String photo = nextPhoto();
                  try {
                    HttpResponse<String> r = enrollResponse(node, cluster.apiKey(), photo);
                    if (r.statusCode() == 201) {
                      acknowledged.add(Http.json(r).get("session_id").asText() + " " + photo);
                      if (node == nodeB) {
                        onB.incrementAndGet();
                        bAcknowledgedSome.countDown();
                      }
                    } else {
                      lost.incrementAndGet();
                    }
                  } catch (UncheckedIOException refused) {
                    lost.incrementAndGet(); // node B is gone: not acknowledged, so nothing promised
                  }
                }
                return null;
              }));
    }
    assertTrue(bAcknowledgedSome.await(3, TimeUnit.MINUTES), "node B acknowledged nothing");
    nodeB.kill();
    for (Future<?> f : streams) {
      f.get(5, TimeUnit.MINUTES);
    }
    pool.shutdown();
    assertFalse(nodeB.isAlive());
    assertTrue(nodeA.healthy(), "node A serves on");
    int checked = 0;
    for (String entry : acknowledged) {
      String session = entry.substring(0, entry.indexOf(' '));
      String photo = entry.substring(entry.indexOf(' ') + 1);
      assertEquals(
          200,
          Http.get(nodeA.url().resolve("/v3/session/" + session + "/decision/"), cluster.apiKey())
              .statusCode(),
          "acknowledged session " + session + " is in PostgreSQL");
      assertTrue(
          matchedSessions(search(nodeA, cluster.apiKey(), photo)).contains(session),
          "acknowledged session " + session + " is found by a search");
      checked++;
    }
    System.out.printf(
        "cluster: node B killed after %d acknowledged enrollments; %d acknowledged in all (A and B), %d "
            + "refused or cut off; every acknowledged one in PostgreSQL and found on A: %d/%d%n",
        onB.get(), acknowledged.size(), lost.get(), checked, acknowledged.size());
    assertTrue(acknowledged.size() >= perNode + 3, "node A took all of its stream");
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static List<String> firstPhotoOfEachPerson() throws IOException {
    List<String> firsts = new ArrayList<>();
    try (Stream<Path> people = Files.list(TestData.file("lfw-dev/images"))) {
      for (Path person : people.filter(Files::isDirectory).sorted().toList()) {
        try (Stream<Path> s = Files.list(person)) {
          Path first = s.sorted().findFirst().orElseThrow();
          firsts.add(TestData.root().relativize(first).toString().replace('\\', '/'));
        }
      }
    }
    return firsts;
  }

  /** A photo of a person no earlier test used. */
  private static String nextPhoto() {
    return photos.get(NEXT_PHOTO.getAndIncrement());
  }

  private static String enroll(FacesearchNodeProcess node, String key, String photo) {
    HttpResponse<String> r = enrollResponse(node, key, photo);
    assertEquals(201, r.statusCode(), photo + " on " + node.url() + ": " + r.body());
    return Http.json(r).get("session_id").asText();
  }

  private static HttpResponse<String> enrollResponse(
      FacesearchNodeProcess node, String key, String photo) {
    return Http.post(
        node.url().resolve("/v3/sessions/"),
        key,
        new Multipart()
            .file("user_image", "photo.jpg", "image/jpeg", TestData.bytes(photo))
            .field("status", "Approved"));
  }

  private static JsonNode search(FacesearchNodeProcess node, String key, String photo) {
    HttpResponse<String> r = searchResponse(node, key, photo);
    assertEquals(200, r.statusCode(), photo + " on " + node.url() + ": " + r.body());
    return Http.json(r);
  }

  private static HttpResponse<String> searchResponse(
      FacesearchNodeProcess node, String key, String photo) {
    return Http.post(
        node.url().resolve("/v3/face-search/"),
        key,
        new Multipart()
            .file("user_image", "selfie.jpg", "image/jpeg", TestData.bytes(photo))
            .field("save_api_request", "false"));
  }

  /** The session ids among a face search answer's matches (or a face_search object's). */
  private static Set<String> matchedSessions(JsonNode answer) {
    JsonNode fs = answer.has("face_search") ? answer.get("face_search") : answer;
    Set<String> sessions = new HashSet<>();
    for (JsonNode match : fs.get("matches")) {
      sessions.add(match.get("session_id").asText());
    }
    return sessions;
  }

  private static int count(Map<Integer, AtomicInteger> statuses, int status) {
    AtomicInteger n = statuses.get(status);
    return n == null ? 0 : n.get();
  }

  private static long percentile(List<Long> values, int p) {
    List<Long> sorted = values.stream().sorted().toList();
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private static double load() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The node's log lines on errors it did not expect (answered 500), for an assertion's message. */
  private static String unhandledInLog(FacesearchNodeProcess node) {
    try (Stream<String> lines = Files.lines(node.log())) {
      return lines
          .filter(line -> line.contains(" unhandled "))
          .collect(
              java.util.stream.Collectors.joining(
                  "\n", "\nunhandled in " + node.log() + ":\n", ""));
    } catch (IOException e) {
      return "\n(" + node.log() + " unreadable: " + e.getMessage() + ")";
    }
  }
}
