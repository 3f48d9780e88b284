package io.facesearch.console;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facesearch.store.Database;
import io.facesearch.store.Dialect;
import io.facesearch.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The console's failure counter under a burst of wrong passwords sent at once, with writes in parallel
 * ({@link Database.Writes#PARALLEL}, real SQLite; and real PostgreSQL, {@link TestDatabases}): every failure is
 * counted under the counter's lock, and failures that were checked before the lock came and end after it do not lift
 * it.
 */
@ParameterizedClass
@EnumSource(Dialect.class)
class SignInFailuresInParallelTest {

  @Parameter Dialect dialect;

  @TempDir Path dir;

  @Test
  void aBurstOfWrongPasswordsLocksTheAddressAndKeepsItLocked() throws Exception {
    int burst = ConsoleAuth.MAX_FAILURES + 3;
    Database db = TestDatabases.open(dialect, dir);
    ExecutorService pool = Executors.newFixedThreadPool(burst);
    try {
      ConsoleAuth auth = new ConsoleAuth(db, Clock.systemUTC());
      CyclicBarrier start = new CyclicBarrier(burst);
      List<Future<ConsoleAuth.Attempt>> attempts = new ArrayList<>();
      for (int i = 0; i < burst; i++) {
        attempts.add(
            pool.submit(
                () -> {
                  start.await(30, TimeUnit.SECONDS);
                  return auth.signIn("someone@example.com", "Wrong-password-1");
                }));
      }
      int lockedOut = 0;
      for (Future<ConsoleAuth.Attempt> a : attempts) {
        ConsoleAuth.Attempt attempt =
            a.get(120, TimeUnit.SECONDS); // a StoreException (SQLITE_BUSY) fails here
        assertFalse(attempt.ok());
        lockedOut += attempt.lockedOut() ? 1 : 0;
      }
      assertTrue(lockedOut >= 1, "the fifth failure locks the address");
      assertTrue(
          auth.signIn("someone@example.com", "Wrong-password-1").lockedOut(),
          "still locked after the burst: a late failure must not lift the lock");
    } finally {
      pool.shutdownNow();
      db.close();
    }
  }
}
