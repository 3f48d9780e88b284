package io.facesearch.testing;

import io.facesearch.store.Database;
import io.facesearch.store.Dialect;
import java.nio.file.Path;

/**
 * The database a store test runs on, for tests parameterised over {@link Dialect}: SQLite in {@code dir} with
 * writes in parallel ({@link Database.Writes#PARALLEL}, so that the lock methods are what excludes), or a new
 * database on the test PostgreSQL ({@link TestPostgres}; skipped, or failed under CI, when PostgreSQL is missing).
 */
public final class TestDatabases {

  private TestDatabases() {}

  public static Database open(Dialect dialect, Path dir) {
    return switch (dialect) {
      case SQLITE -> Database.sqlite(dir, Database.Writes.PARALLEL);
      case POSTGRESQL -> TestPostgres.open();
    };
  }
}
