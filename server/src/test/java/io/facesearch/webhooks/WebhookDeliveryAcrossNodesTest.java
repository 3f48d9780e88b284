package io.facesearch.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpServer;
import io.facesearch.app.Node;
import io.facesearch.app.NodeSettings;
import io.facesearch.store.Database;
import io.facesearch.store.Lease;
import io.facesearch.store.NodeId;
import io.facesearch.store.WebhookOutbox;
import io.facesearch.testing.TestClock;
import io.facesearch.testing.TestPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL database deliver the webhooks of one application to one real local receiver: each
 * event arrives once while both deliver at the same time, and deliveries claimed by a node that died are delivered
 * by the other once the dead node's lease has ended (the nodes' clock moved by the test, no sleeping).
 */
class WebhookDeliveryAcrossNodesTest {

  private static final String SECRET = "whsec-cluster-0123456789";

  @TempDir Path dirA;
  @TempDir Path dirB;

  private final Map<String, AtomicInteger> receivedByEvent = new ConcurrentHashMap<>();
  private final AtomicInteger mostInFlightForOneEvent = new AtomicInteger();
  private final Map<String, AtomicInteger> inFlightByEvent = new ConcurrentHashMap<>();
  private final TestClock clock = new TestClock();
  private HttpServer receiver;
  private final ExecutorService receiverThreads = Executors.newFixedThreadPool(4);
  private Node a;
  private Node b;
  private Database truth;
  private String applicationId;

  @BeforeEach
  void start() throws IOException {
    receiver = startReceiver();
    String url = TestPostgres.database();
    NodeSettings.Postgres pg = new NodeSettings.Postgres(url, "facesearch", "");
    a = Node.open(NodeSettings.of(dirA).withPostgres(pg), clock);
    // Every node of a cluster shares the server secret (it seals the webhook secrets): it is the
    // database's.
    b = Node.open(NodeSettings.of(dirB).withPostgres(pg), clock);
    truth = Database.postgres(url, "facesearch", "");
    applicationId = a.accounts().bootstrapIfEmpty().orElseThrow().application().id();
    a.webhooks()
        .configure(
            applicationId, "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook", SECRET);
  }

  @AfterEach
  void stop() {
    for (AutoCloseable c : new AutoCloseable[] {a, b}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // closing the rest
      }
    }
    if (truth != null) {
      truth.close();
    }
    if (receiver != null) {
      receiver.stop(0);
    }
    receiverThreads.shutdownNow();
  }

  @Test
  void each_event_is_received_once_while_two_nodes_deliver_at_the_same_time() throws Exception {
    int events = 100;
    enqueue(events);
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService nodes = Executors.newFixedThreadPool(2);
    try {
      Future<Integer> byA = nodes.submit(() -> deliverUntilAllArrived(a, go, events));
      Future<Integer> byB = nodes.submit(() -> deliverUntilAllArrived(b, go, events));
      go.countDown();
      int deliveredByA = byA.get();
      int deliveredByB = byB.get();
      System.out.println(
          "webhooks across nodes: A delivered " + deliveredByA + ", B " + deliveredByB);
      // one more pass each: nothing is left to send again
      assertEquals(0, a.webhooks().deliverDue() + b.webhooks().deliverDue());
      assertEquals(events, receivedByEvent.size(), "every event arrived");
      receivedByEvent.forEach(
          (event, times) -> assertEquals(1, times.get(), "event " + event + " arrived once"));
      assertEquals(events, deliveredByA + deliveredByB, "each delivery recorded once");
      assertTrue(
          deliveredByA > 0 && deliveredByB > 0,
          "both nodes delivered (A " + deliveredByA + ", B " + deliveredByB + ")");
      assertEquals(
          1, mostInFlightForOneEvent.get(), "never one event on the wire from two nodes at once");
    } finally {
      nodes.shutdownNow();
    }
  }

  @Test
  void deliveries_claimed_by_a_node_that_died_are_delivered_by_another_once_its_lease_ends() {
    int events = 12;
    enqueue(events);
    NodeId dead = NodeId.random();
    int claimed =
        truth
            .inTransaction(
                tx ->
                    new WebhookOutbox()
                        .claimDue(
                            tx,
                            Lease.of(dead, clock.instant(), Webhooks.LEASE),
                            clock.instant(),
                            100))
            .size();
    assertEquals(events, claimed, "the dead node had claimed every delivery, then died");

    assertEquals(0, b.webhooks().deliverDue(), "the dead node's lease still holds");
    clock.advance(Webhooks.LEASE.minusSeconds(1));
    assertEquals(0, b.webhooks().deliverDue(), "still held a second before the lease ends");
    assertEquals(0, receivedByEvent.size());

    clock.advance(Duration.ofSeconds(1));
    assertEquals(events, b.webhooks().deliverDue(), "taken over when the lease ends");
    assertEquals(0, a.webhooks().deliverDue(), "nothing left for the other live node");
    assertEquals(events, receivedByEvent.size());
    receivedByEvent.forEach((event, times) -> assertEquals(1, times.get()));
  }

  private int deliverUntilAllArrived(Node node, CountDownLatch go, int events)
      throws InterruptedException {
    go.await();
    int delivered = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (receivedByEvent.size() < events && System.nanoTime() < deadline) {
      delivered += node.webhooks().deliverDue();
    }
    return delivered;
  }

  private void enqueue(int events) {
    for (int i = 0; i < events; i++) {
      long number = i + 1;
      truth.inTransaction(
          tx -> {
            a.webhooks()
                .enqueue(
                    tx,
                    new WebhookEvent(
                        "status.updated",
                        applicationId,
                        UUID.randomUUID().toString(),
                        number,
                        "Approved",
                        clock.instant(),
                        null,
                        null,
                        JsonNodeFactory.instance.objectNode()));
            return null;
          });
    }
  }

  /** A receiver on loopback that checks each signature, takes 20 ms per delivery, and counts each event. */
  private HttpServer startReceiver() throws IOException {
    HttpServer server = null;
    for (int port = 18900; port < 18950 && server == null; port++) {
      try {
        server =
            HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
      } catch (IOException inUse) {
        // the next port of this part's range
      }
    }
    if (server == null) {
      throw new IOException("no free port in 18900-18949");
    }
    server.setExecutor(receiverThreads);
    ObjectMapper json = new ObjectMapper();
    server.createContext(
        "/hook",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
          String event = json.readTree(text).path("event_id").asText();
          boolean signed =
              WebhookSignature.hmac(SECRET, text)
                  .equals(exchange.getRequestHeaders().getFirst("X-Signature"));
          AtomicInteger now = inFlightByEvent.computeIfAbsent(event, e -> new AtomicInteger());
          mostInFlightForOneEvent.accumulateAndGet(now.incrementAndGet(), Math::max);
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          now.decrementAndGet();
          if (signed) {
            receivedByEvent.computeIfAbsent(event, e -> new AtomicInteger()).incrementAndGet();
          }
          exchange.sendResponseHeaders(signed ? 200 : 401, -1);
          exchange.close();
        });
    server.start();
    return server;
  }
}
