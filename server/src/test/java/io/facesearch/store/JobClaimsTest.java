package io.facesearch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facesearch.accounts.AccountStore;
import io.facesearch.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Claims on queue rows with a lease, on real SQLite and real PostgreSQL: a claimed row is not claimed again while
 * the lease holds, is claimed by another node once it has ended, and only the holder records an outcome.
 */
class JobClaimsTest {

  private static final Duration LEASE = Duration.ofMinutes(5);
  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

  @TempDir Path dir;
  private Database db;
  private final WebhookOutbox deliveries = new WebhookOutbox();
  private final GalleryOutbox gallery = new GalleryOutbox();
  private final NodeId a = NodeId.random();
  private final NodeId b = NodeId.random();

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  private String open(Dialect dialect) {
    db = TestDatabases.open(dialect, dir);
    return new AccountStore(db, java.time.Clock.systemUTC())
        .bootstrapIfEmpty()
        .orElseThrow()
        .application()
        .id();
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void a_claimed_delivery_goes_to_another_node_only_when_the_lease_has_ended(Dialect dialect) {
    String app = open(dialect);
    for (int i = 0; i < 3; i++) {
      Instant created = T0.plusSeconds(i);
      db.inTransaction(
          tx -> {
            deliveries.insert(
                tx,
                new WebhookOutbox.Delivery(
                    UUID.randomUUID().toString(),
                    app,
                    "status.updated",
                    "http://127.0.0.1:18900/hook",
                    "{}",
                    null,
                    UUID.randomUUID().toString()),
                created);
            return null;
          });
    }
    Instant now = T0.plusSeconds(10);
    List<WebhookOutbox.Due> byA = claimDeliveries(a, now, 2);
    assertEquals(2, byA.size(), "at most the limit");
    assertTrue(byA.get(0).createdAt().isBefore(byA.get(1).createdAt()), "oldest first");
    assertEquals(1, claimDeliveries(b, now, 10).size(), "the one A did not claim");
    assertEquals(0, claimDeliveries(b, now.plus(LEASE).minusSeconds(1), 10).size());

    List<String> byB =
        claimDeliveries(b, now.plus(LEASE), 10).stream().map(WebhookOutbox.Due::id).toList();
    assertTrue(
        byB.containsAll(byA.stream().map(WebhookOutbox.Due::id).toList()),
        "A's claims, once its lease ended");
    String id = byA.get(0).id();
    boolean recordedByA =
        db.inTransaction(tx -> deliveries.markDelivered(tx, id, a, 1, now.plus(LEASE)));
    assertFalse(recordedByA, "A lost its claim: its outcome is not recorded");
    boolean recordedByB =
        db.inTransaction(tx -> deliveries.markDelivered(tx, id, b, 1, now.plus(LEASE)));
    assertTrue(recordedByB);
    assertEquals(
        0,
        claimDeliveries(a, now.plus(LEASE.multipliedBy(3)), 10).stream()
            .filter(d -> d.id().equals(id))
            .count(),
        "a delivered delivery is never claimed again");
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void a_failed_attempt_ends_the_claim_and_waits_for_its_retry_time(Dialect dialect) {
    String app = open(dialect);
    db.inTransaction(
        tx -> {
          deliveries.insert(
              tx,
              new WebhookOutbox.Delivery(
                  "d1", app, "status.updated", "http://127.0.0.1:18900/hook", "{}", null, "e1"),
              T0);
          return null;
        });
    assertEquals(1, claimDeliveries(a, T0, 10).size());
    Instant retry = T0.plus(Duration.ofMinutes(1));
    boolean recorded =
        db.inTransaction(
            tx -> deliveries.markAttemptFailed(tx, "d1", a, 1, "HTTP 500", retry, null));
    assertTrue(recorded);
    assertEquals(0, claimDeliveries(b, retry.minusSeconds(1), 10).size(), "not due yet");
    assertEquals(1, claimDeliveries(b, retry, 10).size(), "due again, and claimable at once");
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void a_gallery_row_claimed_by_its_writer_is_left_to_it_until_the_lease_ends(Dialect dialect) {
    open(dialect);
    long claimedByA =
        db.inTransaction(tx -> gallery.append(tx, "face-1", T0, Lease.of(a, T0, LEASE)));
    long unclaimed = db.inTransaction(tx -> gallery.append(tx, "face-2", T0, null));
    assertEquals(
        List.of(unclaimed),
        claimGallery(b, T0).stream().map(GalleryOutbox.Pending::id).toList(),
        "only the row nobody claimed");

    // B applied A's row meanwhile (harmless): the row stays while A's lease holds, A deletes it.
    db.inTransaction(
        tx -> {
          gallery.delete(tx, claimedByA, b, T0);
          return null;
        });
    assertTrue(db.read(tx -> gallery.find(tx, claimedByA)).isPresent());
    db.inTransaction(
        tx -> {
          gallery.delete(tx, claimedByA, a, T0);
          return null;
        });
    assertTrue(db.read(tx -> gallery.find(tx, claimedByA)).isEmpty());

    // A failure ends the claim: any node's next drain retries the row.
    db.inTransaction(
        tx -> {
          gallery.failed(tx, unclaimed, "injected");
          return null;
        });
    assertEquals(1, claimGallery(a, T0).size());
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void a_gallery_row_of_a_dead_node_is_claimed_once_its_lease_ends(Dialect dialect) {
    open(dialect);
    long row = db.inTransaction(tx -> gallery.append(tx, "face-1", T0, Lease.of(a, T0, LEASE)));
    assertEquals(0, claimGallery(b, T0.plus(LEASE).minusSeconds(1)).size());
    assertEquals(
        List.of(row),
        claimGallery(b, T0.plus(LEASE)).stream().map(GalleryOutbox.Pending::id).toList());
  }

  private List<WebhookOutbox.Due> claimDeliveries(NodeId node, Instant now, int limit) {
    return db.inTransaction(tx -> deliveries.claimDue(tx, Lease.of(node, now, LEASE), now, limit));
  }

  private List<GalleryOutbox.Pending> claimGallery(NodeId node, Instant now) {
    return db.inTransaction(tx -> gallery.claimOldest(tx, Lease.of(node, now, LEASE), now, 100));
  }
}
