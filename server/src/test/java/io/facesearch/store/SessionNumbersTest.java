package io.facesearch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.facesearch.testing.TestDatabases;
import io.facesearch.testing.TestSessions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Session numbers are per application, without gaps or duplicates, when sessions are inserted from many write
 * transactions at once, some of which roll back: on SQLite with writes in parallel and on PostgreSQL's pool (the
 * counter's {@code UPDATE ... RETURNING} locks the application's row to the end of the transaction).
 */
class SessionNumbersTest {

  private static final int THREADS = 8;
  private static final int PER_THREAD = 12;

  @TempDir Path dir;

  private Database db;
  private ExecutorService pool;

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
  void concurrentInsertsNumberEachApplicationsSessionsWithoutGapsOrDuplicates(Dialect dialect)
      throws Exception {
    db = TestDatabases.open(dialect, dir);
    Instant now = Instant.now();
    Accounts accounts = new Accounts();
    Sessions sessions = new Sessions();
    db.inTransaction(
        tx -> {
          accounts.insertOrganization(tx, "org", "Org", now);
          for (String app : List.of("app-a", "app-b")) {
            accounts.insertApplication(
                tx,
                new Accounts.ApplicationRow(
                    app,
                    "org",
                    app,
                    "client-" + app,
                    new Accounts.Settings(70, true, true, true, false, 0, 30, 30, 18, 0.01, false)),
                now);
          }
          return null;
        });
    pool = Executors.newFixedThreadPool(THREADS);
    CyclicBarrier start = new CyclicBarrier(THREADS);
    List<Future<Integer>> committed = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      String app = t % 2 == 0 ? "app-a" : "app-b";
      committed.add(
          pool.submit(
              () -> {
                start.await(30, TimeUnit.SECONDS);
                int kept = 0;
                for (int i = 0; i < PER_THREAD; i++) {
                  boolean rollBack = i % 3 == 2; // a third of them fail after taking a number
                  try {
                    db.inTransaction(
                        tx -> {
                          sessions.insert(tx, row(app, now));
                          if (rollBack) {
                            throw new IllegalStateException("rolled back on purpose");
                          }
                          return null;
                        });
                    kept++;
                  } catch (IllegalStateException expected) {
                    // the number it took is given back with the rollback
                  }
                }
                return kept;
              }));
    }
    int total = 0;
    for (Future<Integer> f : committed) {
      total += f.get(120, TimeUnit.SECONDS);
    }
    assertEquals(THREADS * (PER_THREAD - PER_THREAD / 3), total);
    for (String app : List.of("app-a", "app-b")) {
      List<Long> numbers =
          db.read(
              tx ->
                  SqlRows.list(
                      tx,
                      "SELECT session_number FROM sessions WHERE application_id = ? "
                          + "ORDER BY session_number",
                      r -> r.getLong(1),
                      app));
      assertEquals(
          LongStream.rangeClosed(1, total / 2).boxed().toList(),
          numbers,
          app + ": 1..n, no gap, no duplicate");
    }
  }

  private static Sessions.Row row(String app, Instant now) {
    return TestSessions.approved(UUID.randomUUID().toString(), app, 0, now);
  }
}
