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

  /**
   * The name spaces of {@link #lockKey}'s advisory locks on PostgreSQL (the first key of {@code
   * pg_advisory_xact_lock(int, int)}), so that an address locked for registration and the same address locked for
   * its sign-in failures are different locks.
   */
  enum KeySpace {
    EMAIL(23_001),
    SIGN_IN_FAILURES(23_002);

    final int id;

    KeySpace(int id) {
      this.id = id;
    }
  }

  private final Connection connection;
  private final boolean writable;
  private final Dialect dialect;
  private boolean writeLockHeld;
  private final java.util.List<Runnable> afterCommit = new java.util.ArrayList<>();
  private final java.util.List<Runnable> afterRollback = new java.util.ArrayList<>();

  Tx(Connection connection, boolean writable) {
    this(connection, writable, false, Dialect.SQLITE);
  }

  Tx(Connection connection, boolean writable, boolean writeLockHeld, Dialect dialect) {
    this.connection = connection;
    this.writable = writable;
    this.writeLockHeld = writeLockHeld;
    this.dialect = dialect;
  }

  /** The JDBC connection; for repositories in this package only. */
  Connection connection() {
    return connection;
  }

  /** The engine this transaction runs on. */
  public Dialect dialect() {
    return dialect;
  }

  /** True in {@link Database#inTransaction}, false in {@link Database#read}. */
  public boolean writable() {
    return writable;
  }

  /**
   * Excludes every other transaction that locks the same existing row until this one ends. PostgreSQL: {@code
   * selectForUpdate} (e.g. {@code SELECT 1 FROM t WHERE id = ? FOR UPDATE}). SQLite: the database's write lock,
   * taken by {@code lockingWrite} (see {@link #takeWriteLock}).
   */
  void lockRow(String lockingWrite, String selectForUpdate, String key) {
    requireWritable();
    if (dialect == Dialect.SQLITE) {
      takeWriteLock(lockingWrite, key);
      return;
    }
    try (java.sql.PreparedStatement q = connection.prepareStatement(selectForUpdate)) {
      q.setString(1, key);
      try (java.sql.ResultSet r = q.executeQuery()) {
        while (r.next()) {
          // the rows are locked as they are read
        }
      }
    } catch (java.sql.SQLException e) {
      throw new StoreException("cannot lock the row: " + e.getMessage(), e);
    }
  }

  /**
   * Excludes every other transaction that locks the same key in the same space until this one ends, whether or
   * not a row has the key yet. PostgreSQL: a transaction-scoped advisory lock on ({@code space}, the key's {@link
   * String#hashCode}; two keys of one hash only wait for each other, never share a decision). SQLite: the
   * database's write lock, taken by {@code lockingWrite} (see {@link #takeWriteLock}).
   */
  void lockKey(String lockingWrite, KeySpace space, String key) {
    requireWritable();
    if (dialect == Dialect.SQLITE) {
      takeWriteLock(lockingWrite, key);
      return;
    }
    try (java.sql.PreparedStatement q =
        connection.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
      q.setInt(1, space.id);
      q.setInt(2, key.hashCode());
      q.executeQuery().close();
    } catch (java.sql.SQLException e) {
      throw new StoreException("cannot take the advisory lock: " + e.getMessage(), e);
    }
  }

  /**
   * Takes SQLite's database write lock now, unless this transaction holds it already ({@code BEGIN IMMEDIATE}
   * under serialised writes). {@code lockingWrite} is a write that changes nothing (e.g. {@code UPDATE t SET c = c
   * WHERE id = ?}): any write statement takes the lock when it starts, whether or not a row matches, and waits for
   * it up to the busy timeout.
   */
  private void takeWriteLock(String lockingWrite, String key) {
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

  /**
   * Runs {@code action} once this write transaction has committed (never if it rolls back): for effects outside the
   * database that must not happen unless the transaction's rows are saved (deleting an image file of erased rows).
   * An action that throws is not retried, and the transaction stays committed.
   */
  public void afterCommit(Runnable action) {
    requireWritable();
    afterCommit.add(action);
  }

  /**
   * Runs {@code action} if this write transaction rolls back: undoes an effect outside the database made during it
   * (an image file written for rows that were not saved after all).
   */
  public void afterRollback(Runnable action) {
    requireWritable();
    afterRollback.add(action);
  }

  /** Runs the {@link #afterCommit} actions (committed) or the {@link #afterRollback} ones; by {@link Database}. */
  void ended(boolean committed) {
    for (Runnable action : committed ? afterCommit : afterRollback) {
      try {
        action.run();
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(Tx.class)
            .warn("an action after the transaction failed: {}", e.getMessage());
      }
    }
  }

  /** Fails unless this is a write transaction; repositories call it before writing. */
  void requireWritable() {
    if (!writable) {
      throw new IllegalStateException("a write inside a read-only transaction");
    }
  }
}
