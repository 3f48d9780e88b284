package io.facesearch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The lock methods of the repositories exclude a second transaction until the first ends, with writes in parallel
 * ({@link Database.Writes#PARALLEL}, real SQLite; a pool on real PostgreSQL, where they are row and advisory
 * locks) - also for a key no row has yet (an address registering for the
 * first time, an address that never failed to sign in).
 */
class WriteLocksTest {

  @TempDir Path dir;

  private Database db;
  private ExecutorService pool;

  private void open(Dialect dialect) {
    db = io.facesearch.testing.TestDatabases.open(dialect, dir);
    db.inTransaction(
        tx -> {
          new Accounts().insertOrganization(tx, "org-1", "Org", Instant.now());
          return null;
        });
    pool = Executors.newFixedThreadPool(2);
  }

  @AfterEach
  void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
    if (db != null) {
      db.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void lockOrganizationExcludesASecondTransactionUntilTheFirstEnds(Dialect dialect)
      throws Exception {
    open(dialect);
    assertExcludes((tx, key) -> new Accounts().lockOrganization(tx, key), "org-1");
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void lockEmailExcludesASecondTransactionEvenBeforeTheUserExists(Dialect dialect)
      throws Exception {
    open(dialect);
    assertExcludes((tx, key) -> new Users().lockEmail(tx, key), "nobody-yet@example.com");
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void lockSignInFailuresExcludesASecondTransactionEvenBeforeAFailure(Dialect dialect)
      throws Exception {
    open(dialect);
    assertExcludes(
        (tx, key) -> new ConsoleSessions().lockSignInFailures(tx, key), "never-failed@example.com");
  }

  @Test
  void underSerialisedWritesTheLockIsHeldFromTheStart() {
    open(Dialect.SQLITE);
    db.close();
    db = Database.sqlite(dir);
    assertEquals(Database.Writes.SERIALISED, db.writes());
    // BEGIN IMMEDIATE holds the write lock already: the lock method adds no statement, and a
    // read-only
    // transaction may not take it
    db.inTransaction(
        tx -> {
          new Accounts().lockOrganization(tx, "org-1");
          return null;
        });
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalStateException.class,
        () ->
            db.read(
                tx -> {
                  new Accounts().lockOrganization(tx, "org-1");
                  return null;
                }));
  }

  /**
   * Transaction A takes the lock and holds it a while; B, started once A holds it, must get it only after A
   * committed, so B sees what A did just before its commit.
   */
  private void assertExcludes(BiConsumer<Tx, String> lock, String key) throws Exception {
    CountDownLatch aLocked = new CountDownLatch(1);
    AtomicBoolean aFinished = new AtomicBoolean();
    Future<?> a =
        pool.submit(
            () ->
                db.inTransaction(
                    tx -> {
                      lock.accept(tx, key);
                      aLocked.countDown();
                      sleep(400);
                      aFinished.set(true);
                      return null;
                    }));
    assertTrue(aLocked.await(30, TimeUnit.SECONDS));
    Future<Boolean> b =
        pool.submit(
            () ->
                db.inTransaction(
                    tx -> {
                      lock.accept(tx, key);
                      return aFinished.get();
                    }));
    a.get(30, TimeUnit.SECONDS);
    assertTrue(b.get(30, TimeUnit.SECONDS), "B got the lock while A still held it");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
