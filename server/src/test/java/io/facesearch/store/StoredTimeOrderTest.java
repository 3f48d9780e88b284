package io.facesearch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.facesearch.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The database itself orders and compares stored times in time order ({@code ORDER BY created_at}, {@code
 * created_at < ?}), on SQLite and on PostgreSQL (where the column is the domain {@code stored_time}, text in {@code
 * COLLATE "C"}): the property {@link StoredTimeTest} proves for Java's string order, checked in SQL.
 */
class StoredTimeOrderTest {

  @TempDir Path dir;

  private Database db;

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void theDatabaseSortsAndComparesStoredTimesInTimeOrder(Dialect dialect) {
    db = TestDatabases.open(dialect, dir);
    long seed = System.nanoTime();
    System.out.println("StoredTimeOrderTest " + dialect + " seed " + seed);
    Random random = new Random(seed);
    List<Instant> times = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      long second = 1_700_000_000L + random.nextInt(100_000);
      int nanos =
          switch (random.nextInt(
              3)) { // whole seconds and milliseconds: where toString() changes width
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            default -> random.nextInt(1_000_000) * 1000;
          };
      times.add(Instant.ofEpochSecond(second, nanos));
    }
    MailOutbox mail = new MailOutbox();
    db.inTransaction(
        tx -> {
          for (int i = 0; i < times.size(); i++) {
            mail.insert(
                tx,
                new MailOutbox.LetterRow(
                    String.format("m%04d", i), "a@example.com", "s", "b", times.get(i)));
          }
          return null;
        });
    List<Instant> byTime = times.stream().sorted(Comparator.naturalOrder()).toList();
    List<Instant> bySql = db.read(tx -> mail.all(tx)).stream().map(l -> l.createdAt()).toList();
    assertEquals(byTime, bySql, "seed " + seed);

    Instant cutoff = byTime.get(times.size() / 2);
    db.inTransaction(
        tx -> {
          mail.deleteBefore(tx, cutoff);
          return null;
        });
    List<Instant> left = db.read(tx -> mail.all(tx)).stream().map(l -> l.createdAt()).toList();
    assertEquals(byTime.stream().filter(t -> !t.isBefore(cutoff)).toList(), left, "seed " + seed);
  }
}
