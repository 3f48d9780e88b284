package io.facesearch.store;

import java.sql.Connection;

/**
 * One transaction of the relational store, handed to repositories by {@link Database#read} and
 * {@link Database#inTransaction}. Services pass it along and never see SQL: the connection behind it is visible
 * only inside this package.
 *
 * <p>Exclusion is explicit. A rule that reads and then writes on the strength of what it read (a credit
 * reservation, a registration limit, a sign-in failure counter) first calls {@link #lockOrganization} or the
 * repository's own lock method, so that it stays correct when write transactions run in parallel (on PostgreSQL:
 * {@code SELECT ... FOR UPDATE}; on SQLite: the database's write lock, taken at once).
 */
public final class Tx {

  private final Connection connection;
  private final boolean writable;

  Tx(Connection connection, boolean writable) {
    this.connection = connection;
    this.writable = writable;
  }

  /** The JDBC connection; for repositories in this package only. */
  Connection connection() {
    return connection;
  }

  /**
   * The JDBC connection, for the services whose SQL is not yet behind a repository ({@code Webhooks.enqueue},
   * {@code Credits.charge}). Transitional: it goes with {@link Database#withConnectionInTransaction}.
   */
  public Connection transitionalConnection() {
    return connection;
  }

  /** True in {@link Database#inTransaction}, false in {@link Database#read}. */
  public boolean writable() {
    return writable;
  }

  /** Fails unless this is a write transaction; repositories call it before writing. */
  void requireWritable() {
    if (!writable) {
      throw new IllegalStateException("a write inside a read-only transaction");
    }
  }
}
