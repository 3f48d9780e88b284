package io.facesearch.billing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facesearch.accounts.AccountStore;
import io.facesearch.store.Accounts;
import io.facesearch.store.CreditLedger;
import io.facesearch.store.Database;
import io.facesearch.store.Dialect;
import io.facesearch.store.StoreException;
import io.facesearch.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Credits#reserve} is correct because it locks the organization, not because the store runs one write at a
 * time: here writes run in parallel ({@link Database.Writes#PARALLEL}: several writer connections, deferred
 * transactions, no process lock), on a real SQLite file; and on a real PostgreSQL (a pool of connections, READ
 * COMMITTED, the organization's row locked with {@code SELECT ... FOR UPDATE}).
 */
class ParallelReservationsTest {

  private static final int THREADS = 8;

  @TempDir Path dir;

  private Database db;
  private Credits credits;
  private String organization;
  private ExecutorService pool;

  private void open(Dialect dialect) {
    db = TestDatabases.open(dialect, dir);
    Clock clock = Clock.systemUTC();
    credits = new Credits(db, clock);
    organization =
        new AccountStore(db, clock).createApplication("Parallel org", "app").organizationId();
    credits.setMetered(organization, true);
    pool = Executors.newFixedThreadPool(THREADS);
  }

  @AfterEach
  void close() throws InterruptedException {
    if (pool != null) {
      pool.shutdownNow();
      pool.awaitTermination(30, TimeUnit.SECONDS);
    }
    if (db != null) {
      db.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void concurrentReservationsOnOneOrganizationNeverOverspendAndChargeOnce(Dialect dialect)
      throws Exception {
    open(dialect);
    int balance = 20;
    int price = 3;
    int rounds = 4;
    credits.add(organization, balance, "grant", "test");
    CyclicBarrier start = new CyclicBarrier(THREADS);
    AtomicInteger charged = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      done.add(
          pool.submit(
              () -> {
                for (int round = 0; round < rounds; round++) {
                  start.await(30, TimeUnit.SECONDS); // every thread reserves at the same moment
                  try {
                    Credits.Hold hold = credits.reserve(organization, price);
                    credits.chargeAlone(hold, "face-search", UUID.randomUUID().toString());
                    charged.incrementAndGet();
                  } catch (InsufficientCreditsException e) {
                    refused.incrementAndGet();
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : done) {
      f.get(120, TimeUnit.SECONDS); // a StoreException (SQLITE_BUSY) would fail the test here
    }
    assertEquals(Database.Writes.PARALLEL, db.writes());
    assertEquals(
        balance / price,
        charged.get(),
        "every call that the balance covers, and no other, is charged");
    assertEquals(THREADS * rounds - balance / price, refused.get());
    assertEquals(
        balance - (long) price * (balance / price),
        credits.balance(organization),
        "never below zero");
    assertEquals(
        balance / price,
        credits.ledger(organization).stream().filter(e -> e.kind().equals("charge")).count(),
        "one ledger charge per successful call");
    long held = db.read(tx -> new CreditLedger().held(tx, organization));
    assertEquals(0L, held, "no hold is left behind");
  }

  /**
   * The same rule without {@link Accounts#lockOrganization}: read the balance, then write a hold on the strength of
   * it. With every transaction having read before any writes, SQLite refuses all but one writer (SQLITE_BUSY: its
   * snapshot is stale) or, on a store without that check, several would overspend. Either way the rule needs the
   * lock, and the test above would fail without it.
   */
  @ParameterizedTest
  @EnumSource(Dialect.class)
  void withoutTheOrganizationLockTheSameRaceOverspendsOrFails(Dialect dialect) throws Exception {
    open(dialect);
    int price = 3;
    credits.add(organization, price, "grant", "room for one call");
    CreditLedger ledger = new CreditLedger();
    CyclicBarrier allHaveRead = new CyclicBarrier(THREADS);
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger reserved = new AtomicInteger();
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      done.add(
          pool.submit(
              () -> {
                try {
                  boolean held =
                      db.inTransaction(
                          tx -> {
                            long available =
                                ledger.balance(tx, organization) - ledger.held(tx, organization);
                            await(allHaveRead);
                            if (available < price) {
                              return false;
                            }
                            ledger.insertHold(
                                tx,
                                UUID.randomUUID().toString(),
                                organization,
                                price,
                                Instant.now());
                            return true;
                          });
                  if (held) {
                    reserved.incrementAndGet();
                  }
                } catch (StoreException e) {
                  failed.incrementAndGet();
                }
                return null;
              }));
    }
    for (Future<?> f : done) {
      f.get(120, TimeUnit.SECONDS);
    }
    long held = db.read(tx -> ledger.held(tx, organization));
    boolean overspent = held > price;
    System.out.println(
        "without the lock: "
            + reserved.get()
            + " reserved, "
            + failed.get()
            + " failed, held "
            + held);
    assertTrue(
        overspent || failed.get() > 0,
        "the unlocked race neither overspent nor failed: "
            + reserved.get()
            + " reserved, "
            + failed.get()
            + " failed");
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
