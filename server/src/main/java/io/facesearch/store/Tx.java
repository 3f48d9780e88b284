package io.facesearch.store;

import java.sql.Connection;

/**
 * One transaction of the relational store, handed to repositories by {@link Database#read} and
 * {@link Database#inTransaction}. Services pass it along and never see SQL: the connection behind it is visible
 * only inside this package.
 *
 * <p>Exclusion is explicit. A rule that reads and then writes on the strength of what it read (a credit
 * reservation, a registration, a sign-in failure counter) first calls the repository's lock method
 * ({@code Accounts.lockOrganization}, {@code Users.lockEmail}, {@code ConsoleSessions.lockSignInFailures}), so that
 * it stays correct when write transactions run in parallel (on PostgreSQL: {@code SELECT ... FOR UPDATE}; on
 * SQLite: the database's write lock, taken at once). When writes are serialised ({@link Database.Writes#SERIALISED})
 * every write transaction already holds SQLite's write lock from {@code BEGIN IMMEDIATE}, and the lock methods
 * have nothing left to do.
 */
public final class Tx {

  private final Connection connection;
  private final boolean writable;
  private boolean writeLockHeld;

  Tx(Connection connection, boolean writable) {
    this(connection, writable, false);
  }

  Tx(Connection connection, boolean writable, boolean writeLockHeld) {
    this.connection = connection;
    this.writable = writable;
    this.writeLockHeld = writeLockHeld;
  }

  /** The JDBC connection; for repositories in this package only. */
  Connection connection() {
    return connection;
  }

  /** True in {@link Database#inTransaction}, false in {@link Database#read}. */
  public boolean writable() {
    return writable;
  }

  /**
   * Takes SQLite's database write lock now, unless this transaction holds it already ({@code BEGIN IMMEDIATE}
   * under serialised writes). {@code lockingWrite} is a write that changes nothing (e.g. {@code UPDATE t SET c = c
   * WHERE id = ?}): any write statement takes the lock when it starts, whether or not a row matches, and waits for
   * it up to the busy timeout. For the lock methods of repositories; on PostgreSQL they become row locks.
   */
  void takeWriteLock(String lockingWrite, String key) {
    requireWritable();
    if (writeLockHeld) {
      return;
    }
    try (java.sql.PreparedStatement q = connection.prepareStatement(lockingWrite)) {
      q.setString(1, key);
      q.executeUpdate();
      writeLockHeld =
          true; // SQLite's lock is the whole database's, held to the end of the transaction
    } catch (java.sql.SQLException e) {
      throw new StoreException("cannot take the write lock: " + e.getMessage(), e);
    }
  }

  /** Fails unless this is a write transaction; repositories call it before writing. */
  void requireWritable() {
    if (!writable) {
      throw new IllegalStateException("a write inside a read-only transaction");
    }
  }
}
