package io.facesearch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facesearch.accounts.AccountStore;
import io.facesearch.accounts.Application;
import io.facesearch.billing.Credits;
import io.facesearch.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TruthCopy} from a real SQLite data folder into a real PostgreSQL database ({@link TestPostgres}). */
class TruthCopyTest {

  private final Clock clock = Clock.systemUTC();

  @TempDir Path dir;

  @Test
  void a_copy_stopped_midway_and_run_again_equals_the_source_and_new_rows_get_fresh_identities() {
    Database sqlite = Database.sqlite(dir);
    Application app;
    try {
      app = new AccountStore(sqlite, clock).bootstrapIfEmpty().orElseThrow().application();
      new AccountStore(sqlite, clock).createKey(app.id());
      Credits credits = new Credits(sqlite, clock);
      for (int i = 1; i <= 5; i++) {
        credits.add(app.organizationId(), i, "grant", "seed " + i);
      }
    } finally {
      sqlite.close();
    }
    Database pg = TestPostgres.open();
    try (EmbeddedTruth source = EmbeddedTruth.open(dir)) {
      AtomicInteger batches = new AtomicInteger();
      TruthCopy stopping =
          new TruthCopy(
              source,
              pg,
              2,
              (table, read, inserted) -> {
                if (table.equals("credit_ledger") && batches.incrementAndGet() == 2) {
                  throw new IllegalStateException("stopped in " + table);
                }
              });
      assertThrows(
          IllegalStateException.class,
          () -> CopiedTable.ALL.forEach(stopping::copy),
          "the copy stops in the ledger");
      TruthCopy copy = new TruthCopy(source, pg, 2, (table, read, inserted) -> {});
      long inserted = 0;
      for (CopiedTable table : CopiedTable.ALL) {
        TruthCopy.TableCopy done = copy.copy(table);
        assertTrue(done.complete(), done.toString());
        inserted += done.inserted();
      }
      assertEquals(1, inserted, "the run again copies only the ledger's last row (4 were copied)");
      for (CopiedTable table : CopiedTable.ALL) {
        assertEquals(copy.sourceDigest(table), copy.targetDigest(table), table.name());
      }
      assertEquals(5, copy.targetDigest(table("credit_ledger")).rows());

      // identity columns continue after the copied values: new keys and ledger rows do not collide
      new AccountStore(pg, clock).createKey(app.id());
      Credits onPostgres = new Credits(pg, clock);
      onPostgres.add(app.organizationId(), 100, "grant", "after the copy");
      assertEquals(1 + 2 + 3 + 4 + 5 + 100, onPostgres.balance(app.organizationId()));
      assertEquals(3, new AccountStore(pg, clock).listKeys().size());
    } finally {
      pg.close();
    }
  }

  @Test
  void a_table_of_the_source_that_no_copy_rule_lists_is_reported() throws Exception {
    Database.sqlite(dir).close();
    Database pg = TestPostgres.open();
    try (EmbeddedTruth before = EmbeddedTruth.open(dir)) {
      assertEquals(List.of(), new TruthCopy(before, pg, 10, (t, r, i) -> {}).uncopiedTables());
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("facesearch.db"));
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE surprise (id TEXT PRIMARY KEY)");
    }
    try (EmbeddedTruth after = EmbeddedTruth.open(dir)) {
      assertEquals(
          List.of("surprise"), new TruthCopy(after, pg, 10, (t, r, i) -> {}).uncopiedTables());
    } finally {
      pg.close();
    }
  }

  private static CopiedTable table(String name) {
    return CopiedTable.ALL.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }
}
