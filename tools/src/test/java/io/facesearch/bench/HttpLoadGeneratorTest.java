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
            "B photo-0 key-1",
            "A photo-1 key-1",
            "B photo-1 key-1",
            "A photo-2 key-1",
            "B photo-2 key-1",
            "A photo-0 key-1",
            "B photo-0 key-1",
            "A photo-1 key-1",
            "B photo-1 key-1",
            "A photo-2 key-1",
            "B photo-2 key-1"),
        arrivals);
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

  /** A server that notes "NAME photo-I KEY" per request and answers 200 with one match. */
  private URI node(String name) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.ISO_8859_1);
          Matcher photo = PHOTO.matcher(body);
          String key = exchange.getRequestHeaders().getFirst("x-api-key");
          arrivals.add(
              name
                  + " "
                  + (photo.find() ? photo.group().replace(".jpg", "") : "none")
                  + " "
                  + (key == null ? "-" : key));
          byte[] answer =
              "{\"face_search\":{\"total_matches\":1}}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, answer.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
          }
        });
    server.start();
    servers.add(server);
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }
}
