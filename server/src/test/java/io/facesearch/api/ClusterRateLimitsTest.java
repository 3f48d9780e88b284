package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facesearch.store.Dialect;
import io.facesearch.testing.TestPostgres;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Request limits over HTTP when several nodes share one PostgreSQL database: a key's limit and an address's
 * registration limit hold across the nodes (what one node allowed counts on the other), and the answers keep the
 * embedded node's shape (429, {@code detail}, {@code X-RateLimit-*}, {@code Retry-After}).
 */
class ClusterRateLimitsTest {

  private final List<TestServer> servers = new ArrayList<>();

  @AfterEach
  void close() {
    servers.forEach(TestServer::close);
  }

  /** Two nodes on one new PostgreSQL database, each with its own data folder; the first made the API key. */
  private List<TestServer> twoNodes(FaceSearchApp.Limits limits) {
    String url = TestPostgres.database();
    TestServer a = TestServer.onPostgres(url, limits, null);
    servers.add(a);
    TestServer b = TestServer.onPostgres(url, limits, a.apiKey);
    servers.add(b);
    return servers;
  }

  @Test
  void one_keys_read_limit_holds_across_two_nodes_under_concurrent_calls() throws Exception {
    List<TestServer> nodes = twoNodes(new FaceSearchApp.Limits(300, 7, 5));
    String key = nodes.getFirst().apiKey;
    List<HttpResponse<String>> answers =
        concurrently(20, i -> Http.get(nodes.get(i % 2).url("/v3/billing/balance/"), key));

    List<HttpResponse<String>> ok = answers.stream().filter(r -> r.statusCode() == 200).toList();
    assertEquals(7, ok.size(), "20 reads split over two nodes, 7 a minute allowed");
    int[] remaining =
        ok.stream()
            .mapToInt(r -> Integer.parseInt(header(r, "X-RateLimit-Remaining")))
            .sorted()
            .toArray();
    assertEquals(
        "[0, 1, 2, 3, 4, 5, 6]", Arrays.toString(remaining), "each allowed read its own count");
    for (HttpResponse<String> r : answers) {
      assertEquals("7", header(r, "X-RateLimit-Limit"));
      if (r.statusCode() != 200) {
        assertRefused(r);
      }
    }
    assertTrue(
        answers.stream().filter(r -> r.statusCode() == 429).count() == 13,
        "every other read was refused");
    assertEquals(
        429,
        Http.get(nodes.get(1).url("/v3/billing/balance/"), key).statusCode(),
        "the second node still refuses");
    assertEquals(
        "300",
        header(
            Http.postJsonWithKey(nodes.get(1).url("/v3/lists/"), key, "{}"), "X-RateLimit-Limit"),
        "writes keep their own limit");
  }

  @Test
  void registrations_from_one_address_are_limited_across_two_nodes() throws Exception {
    List<TestServer> nodes = twoNodes(new FaceSearchApp.Limits(300, 600, 3));
    List<HttpResponse<String>> answers =
        concurrently(
            6,
            i ->
                Http.postJson(
                    nodes.get(i % 2).url("/auth/v2/programmatic/register/"),
                    "{\"email\": \"user"
                        + i
                        + "@example.com\", \"password\": \"Correct-horse-7\"}"));
    assertEquals(
        3,
        answers.stream().filter(r -> r.statusCode() == 201).count(),
        "3 registrations an hour from one address, on whichever node");
    for (HttpResponse<String> r : answers) {
      if (r.statusCode() != 201) {
        assertRefused(r);
        assertEquals(
            "Too many registrations from this address. Try again later.",
            Http.json(r).get("detail").asText());
      }
    }
  }

  /** The contract of the embedded node's rate limits (as AccountsAndCreditsTest states it), on both backends. */
  @ParameterizedTest
  @EnumSource(Dialect.class)
  void over_the_limit_a_key_gets_429_with_the_same_headers_on_either_backend(Dialect dialect) {
    TestServer server =
        dialect == Dialect.POSTGRESQL
            ? TestServer.onPostgres(
                TestPostgres.database(), new FaceSearchApp.Limits(3, 4, 5), null)
            : TestServer.with(
                io.facesearch.billing.Prices.DEFAULTS, null, new FaceSearchApp.Limits(3, 4, 5));
    servers.add(server);
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> r = Http.get(server.url("/v3/billing/balance/"), server.apiKey);
      assertEquals(200, r.statusCode());
      assertEquals("4", header(r, "X-RateLimit-Limit"));
      assertEquals(Integer.toString(3 - i), header(r, "X-RateLimit-Remaining"));
      long reset = Long.parseLong(header(r, "X-RateLimit-Reset"));
      long now = Clock.systemUTC().millis() / 1000;
      assertTrue(reset > now - 1 && reset <= now + 61, "X-RateLimit-Reset " + reset);
    }
    assertRefused(Http.get(server.url("/v3/billing/balance/"), server.apiKey));
    HttpResponse<String> write =
        Http.postJsonWithKey(server.url("/v3/lists/"), server.apiKey, "{}");
    assertEquals("3", header(write, "X-RateLimit-Limit"));
    HttpResponse<String> unauthorized = Http.get(server.url("/v3/sessions/"), "fsk_wrong");
    assertEquals(401, unauthorized.statusCode());
    assertTrue(unauthorized.headers().firstValue("X-RateLimit-Remaining").isPresent());
  }

  private static void assertRefused(HttpResponse<String> r) {
    assertEquals(429, r.statusCode(), r.body());
    assertEquals("0", header(r, "X-RateLimit-Remaining"));
    long retry = Long.parseLong(header(r, "Retry-After"));
    assertTrue(retry >= 1 && retry <= 3600, "Retry-After " + retry);
    assertTrue(Http.json(r).has("detail"), r.body());
  }

  private static String header(HttpResponse<String> r, String name) {
    return r.headers().firstValue(name).orElseThrow(() -> new AssertionError(name + " missing"));
  }

  /** {@code n} calls from 4 threads at once. */
  private static List<HttpResponse<String>> concurrently(
      int n, IntFunction<HttpResponse<String>> call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<HttpResponse<String>>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        futures.add(pool.submit(() -> call.apply(index)));
      }
      List<HttpResponse<String>> answers = new ArrayList<>();
      for (Future<HttpResponse<String>> f : futures) {
        answers.add(f.get());
      }
      return answers;
    } finally {
      pool.shutdown();
    }
  }
}
