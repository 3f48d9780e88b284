package io.facesearch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The load generator over several nodes: real HTTP servers on loopback that note what reached them. */
class HttpLoadGeneratorTest {

  private static final Pattern PHOTO = Pattern.compile("photo-(\\d+)\\.jpg");

  private final List<HttpServer> servers = new ArrayList<>();
  private final List<String> arrivals = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void stopServers() {
    servers.forEach(s -> s.stop(0));
  }

  @Test
  void face_searches_alternate_between_nodes_and_send_every_photo_to_each() throws Exception {
    URI a = node("A");
    URI b = node("B");
    List<byte[]> photos =
        List.of(new byte[] {1}, new byte[] {2}, new byte[] {3}); // bodies only, never decoded

    HttpLoadGenerator.LevelResult r =
        HttpLoadGenerator.faceSearches(
                List.of(a.resolve("/v3/face-search/"), b.resolve("/v3/face-search/")),
                "key-1",
                photos)
            .run(1, 0, 12);

    assertEquals(0, r.errors(), r.firstError());
    assertEquals(12, r.matched());
    assertEquals(
        List.of(
            "A photo-0 key-1",
            "B photo-1 key-1",
            "A photo-2 key-1",
            "B photo-0 key-1",
            "A photo-1 key-1",
            "B photo-2 key-1",
            "A photo-0 key-1",
            "B photo-1 key-1",
            "A photo-2 key-1",
            "B photo-0 key-1",
            "A photo-1 key-1",
            "B photo-2 key-1"),
        arrivals);
  }

  @Test
  void one_node_and_two_nodes_are_sent_the_same_photos_in_the_same_order() throws Exception {
    // Four photos and two nodes: before, two nodes got photo 0, 0, 1, 1, ... while one node got 0,
    // 1, 2, 3, so the
    // first 200 requests of a cluster run covered half the photos of an embedded run
    // (docs/cluster.md).
    List<byte[]> photos = List.of(new byte[] {1}, new byte[] {2}, new byte[] {3}, new byte[] {4});
    URI single = node("S");
    HttpLoadGenerator.LevelResult one =
        HttpLoadGenerator.faceSearches(List.of(single.resolve("/v3/face-search/")), "k", photos)
            .run(1, 0, 10);
    List<String> sentToOne = photosOf(arrivals);
    arrivals.clear();
    URI a = node("A");
    URI b = node("B");
    HttpLoadGenerator.LevelResult two =
        HttpLoadGenerator.faceSearches(
                List.of(a.resolve("/v3/face-search/"), b.resolve("/v3/face-search/")), "k", photos)
            .run(1, 0, 10);

    List<String> expected =
        List.of(
            "photo-0", "photo-1", "photo-2", "photo-3", "photo-0", "photo-1", "photo-2", "photo-3",
            "photo-0", "photo-1");
    assertEquals(expected, sentToOne);
    assertEquals(expected, photosOf(arrivals));
    assertEquals(
        List.of(0, 1, 2, 3, 0, 1, 2, 3, 0, 1),
        two.answers().stream().map(SearchAnswer::photo).toList());
    assertEquals(
        one.answers().stream().map(SearchAnswer::photo).toList(),
        two.answers().stream().map(SearchAnswer::photo).toList());
  }

  @Test
  void answers_that_differ_between_two_runs_are_reported_by_photo() throws Exception {
    List<byte[]> photos = List.of(new byte[] {1}, new byte[] {2}, new byte[] {3});
    URI embedded = node("E", photo -> photo == 1 ? match("s-1", 71.5) : NO_MATCH);
    URI cluster = node("C", photo -> photo == 1 || photo == 2 ? match("s-1", 71.6) : NO_MATCH);

    HttpLoadGenerator.LevelResult e =
        HttpLoadGenerator.faceSearches(List.of(embedded.resolve("/v3/face-search/")), "k", photos)
            .run(1, 0, 6);
    HttpLoadGenerator.LevelResult c =
        HttpLoadGenerator.faceSearches(List.of(cluster.resolve("/v3/face-search/")), "k", photos)
            .run(1, 0, 6);
    AnswerComparison comparison = AnswerComparison.of(e.answers(), c.answers());

    assertEquals(2, e.matched());
    assertEquals(4, c.matched());
    assertEquals(3, comparison.photos());
    // Photo 1: the same session on both (percentages are not compared); photo 2: a match on one
    // side only.
    assertEquals(1, comparison.differences().size(), comparison.toString());
    AnswerComparison.Difference d = comparison.differences().get(0);
    assertEquals(2, d.photo());
    assertEquals("200 Approved []", d.first().summary());
    assertEquals("200 In Review [s-1 71.6%]", d.second().summary());
  }

  @Test
  void health_gets_alternate_between_nodes() throws Exception {
    URI a = node("A");
    URI b = node("B");

    HttpLoadGenerator.LevelResult r =
        HttpLoadGenerator.gets(List.of(a.resolve("/health"), b.resolve("/health"))).run(1, 0, 4);

    assertEquals(0, r.errors(), r.firstError());
    assertEquals(List.of("A none -", "B none -", "A none -", "B none -"), arrivals);
  }

  private static final String NO_MATCH =
      "{\"face_search\":{\"status\":\"Approved\",\"total_matches\":0,\"matches\":[]}}";

  private static String match(String sessionId, double percentage) {
    return "{\"face_search\":{\"status\":\"In Review\",\"total_matches\":1,\"matches\":"
        + "[{\"session_id\":\""
        + sessionId
        + "\",\"similarity_percentage\":"
        + percentage
        + "}]}}";
  }

  private static List<String> photosOf(List<String> arrivals) {
    return arrivals.stream().map(a -> a.split(" ")[1]).toList();
  }

  /** A server that notes "NAME photo-I KEY" per request and answers 200 with one match. */
  private URI node(String name) throws IOException {
    return node(name, photo -> "{\"face_search\":{\"total_matches\":1}}");
  }

  /** A server that notes "NAME photo-I KEY" per request and answers 200 with {@code answer} of photo I. */
  private URI node(String name, IntFunction<String> answer) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.ISO_8859_1);
          Matcher photo = PHOTO.matcher(body);
          int index = photo.find() ? Integer.parseInt(photo.group(1)) : -1;
          String key = exchange.getRequestHeaders().getFirst("x-api-key");
          arrivals.add(
              name
                  + " "
                  + (index >= 0 ? "photo-" + index : "none")
                  + " "
                  + (key == null ? "-" : key));
          byte[] bytes = answer.apply(index).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
    servers.add(server);
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }
}
