package io.facesearch.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The relational store: a JDBC {@link DataSource} whose schema Flyway keeps current
 * ({@code server/src/main/resources/db/migration}, {@code V<n>__*.sql}, and {@link V10__stored_times}).
 *
 * <p>The embedded default is one SQLite file, {@code <data>/facesearch.db}, in WAL mode so that readers never
 * wait for the writer. SQLite has one writer at a time. How write transactions meet is the {@link Writes} mode:
 * <ul>
 *   <li>{@link Writes#SERIALISED} (serve's mode): {@link #inTransaction} takes a process-wide write lock and
 *       {@code BEGIN IMMEDIATE}, so concurrent writers queue instead of failing with SQLITE_BUSY, and every write
 *       transaction holds the database's write lock from its first statement.</li>
 *   <li>{@link Writes#PARALLEL}: several writer connections, no process lock, {@code BEGIN DEFERRED}: a
 *       transaction takes SQLite's write lock at its first write and waits for it up to the busy timeout. A rule
 *       that reads and then writes on the strength of what it read must take its lock first ({@code
 *       Accounts.lockOrganization} and the other {@code lock...} methods of the repositories); this mode exists
 *       to prove that they do, as a pool of connections on PostgreSQL would.</li>
 * </ul>
 *
 * <p>Cluster mode's truth is PostgreSQL ({@link #postgres}): a HikariCP pool, Flyway's own migration set for it
 * ({@code server/src/main/resources/db/migration-postgresql}), write transactions always in parallel (one pooled
 * connection each, READ COMMITTED) and the lock methods as row locks ({@code SELECT ... FOR UPDATE}) or, where
 * the row may not exist yet, transaction-scoped advisory locks. The repositories' SQL is the same text on both
 * engines; the {@link Dialect} decides the rest ({@link Tx#lockRow}, {@link Tx#lockKey}).
 *
 * <p>SQLite connections are kept open and reused (opening one costs a file open and a schema read, which showed as
 * most of SQLite's time in the HTTP benchmark): writer connections (one when serialised), and one read
 * connection per thread. {@link #close} closes them all.
 */
public final class Database {

  /** Work done by repositories within one transaction. */
  @FunctionalInterface
  public interface TxWork<T> {
    T apply(Tx tx);
  }

  /** How write transactions meet; see the class comment. */
  public enum Writes {
    /** One write transaction at a time in the process, each holding SQLite's write lock from its start. */
    SERIALISED,
    /** Write transactions run in parallel; each rule takes the lock it needs (SQLite: the write lock). */
    PARALLEL
  }

  private final DataSource dataSource;
  private final Writes writes;
  private final Dialect dialect;
  private final boolean vacuumFull;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final java.util.concurrent.ConcurrentLinkedDeque<Connection> idleWriters =
      new java.util.concurrent.ConcurrentLinkedDeque<>();
  private final ThreadLocal<Connection> readers = new ThreadLocal<>();
  private final java.util.Queue<Connection> opened =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private Connection writer;
  private volatile boolean closed;

  private Database(DataSource dataSource, Writes writes, Dialect dialect) {
    this(dataSource, writes, dialect, false);
  }

  private Database(DataSource dataSource, Writes writes, Dialect dialect, boolean vacuumFull) {
    this.dataSource = dataSource;
    this.writes = writes;
    this.dialect = dialect;
    this.vacuumFull = vacuumFull;
  }

  /**
   * The system property that makes {@link #vacuumErased} rewrite the tables ({@code VACUUM FULL}) instead of
   * vacuuming them: {@code -Dfacesearch.postgres.erasure=full}, read when the database is opened.
   */
  public static final String ERASURE_PROPERTY = "facesearch.postgres.erasure";

  /** The pool's size when {@code facesearch.postgres.pool} does not say otherwise. */
  private static final int DEFAULT_POOL_SIZE = 10;

  /** HikariCP's own default: how long a caller waits for a pooled connection. */
  private static final long DEFAULT_CONNECTION_TIMEOUT_MS = 30_000;

  /**
   * Connects to PostgreSQL through a HikariCP pool and migrates its schema (Flyway, {@code
   * classpath:db/migration-postgresql}). Write transactions run in parallel, one pooled connection each.
   */
  public static Database postgres(String jdbcUrl, String user, String password) {
    com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setPoolName("facesearch-postgres");
    config.setMaximumPoolSize(Integer.getInteger("facesearch.postgres.pool", DEFAULT_POOL_SIZE));
    // How long a request waits for a connection while PostgreSQL is away before it gets a 503.
    config.setConnectionTimeout(
        Long.getLong("facesearch.postgres.connectionTimeoutMs", DEFAULT_CONNECTION_TIMEOUT_MS));
    config.setAutoCommit(true);
    config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    // A PostgreSQL host that vanishes without closing its sockets (power loss, a partition) is then
    // noticed by the kernel's keepalive probes instead of never; the URL's own tcpKeepAlive
    // wins (docs/cluster.md).
    config.addDataSourceProperty("tcpKeepAlive", "true");
    com.zaxxer.hikari.HikariDataSource ds;
    try {
      ds = new com.zaxxer.hikari.HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StoreException(
          "cannot connect to PostgreSQL at " + jdbcUrl + ": " + e.getMessage(), e);
    }
    try {
      Flyway.configure()
          .dataSource(ds)
          .locations("classpath:db/migration-postgresql")
          .load()
          .migrate();
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
    return new Database(
        ds,
        Writes.PARALLEL,
        Dialect.POSTGRESQL,
        "full".equals(System.getProperty(ERASURE_PROPERTY)));
  }

  /**
   * The connection pool, for the store's own users of a library that speaks JDBC itself ({@link SharedBuckets});
   * it never leaves the package.
   */
  DataSource dataSource() {
    return dataSource;
  }

  /** The engine behind this database. */
  public Dialect dialect() {
    return dialect;
  }

  /** Opens (creating if needed) the SQLite database in {@code dataDir} and migrates its schema; writes serialised. */
  public static Database sqlite(Path dataDir) {
    return sqlite(dataDir, Writes.SERIALISED);
  }

  /** Opens (creating if needed) the SQLite database in {@code dataDir} and migrates its schema. */
  public static Database sqlite(Path dataDir, Writes writes) {
    try {
      Files.createDirectories(dataDir);
    } catch (java.io.IOException e) {
      throw new StoreException("cannot create data folder " + dataDir, e);
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    // FULL: the WAL is synced at every commit, so an acknowledged enrollment or charge survives
    // power loss
    // (NORMAL only survives a process crash); measured in docs/reliability.md. An operator who
    // accepts that risk
    // can choose NORMAL with -Dfacesearch.sqlite.synchronous=NORMAL.
    config.setSynchronous(
        SQLiteConfig.SynchronousMode.valueOf(
            System.getProperty("facesearch.sqlite.synchronous", "FULL")
                .toUpperCase(java.util.Locale.ROOT)));
    // Erasure is physical: freed rows and pages are overwritten with zeros instead of being left as
    // they were.
    config.setPragma(SQLiteConfig.Pragma.SECURE_DELETE, "true");
    config.enforceForeignKeys(true);
    config.setBusyTimeout(10_000);
    config.setTransactionMode(
        writes == Writes.SERIALISED
            ? SQLiteConfig.TransactionMode.IMMEDIATE
            : SQLiteConfig.TransactionMode.DEFERRED);
    SQLiteDataSource ds = new SQLiteDataSource(config);
    ds.setUrl("jdbc:sqlite:" + dataDir.resolve("facesearch.db").toAbsolutePath());
    sqliteFlyway(ds).migrate();
    Database db = new Database(ds, writes, Dialect.SQLITE);
    db.scrubFreedPagesOnce();
    return db;
  }

  /** Flyway on the SQLite migration set of this build ({@code db/migration} and the Java migrations). */
  static Flyway sqliteFlyway(DataSource ds) {
    return Flyway.configure()
        .dataSource(ds)
        .locations("classpath:db/migration")
        .javaMigrations(new V10__stored_times())
        .load();
  }

  /** {@code PRAGMA user_version} from which freed pages are known to hold zeros (secure_delete on since). */
  private static final int SCRUBBED_VERSION = 1;

  /**
   * Data folders written before secure_delete was on keep erased rows in free pages: rewrite the file once
   * ({@code VACUUM}) and truncate the WAL, then mark it so that later starts skip this.
   */
  private void scrubFreedPagesOnce() {
    try (Connection c = dataSource.getConnection();
        java.sql.Statement st = c.createStatement()) {
      int version;
      try (java.sql.ResultSet r = st.executeQuery("PRAGMA user_version")) {
        version = r.next() ? r.getInt(1) : 0;
      }
      if (version >= SCRUBBED_VERSION) {
        return;
      }
      st.execute("VACUUM");
      st.execute("PRAGMA user_version = " + SCRUBBED_VERSION);
      st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (SQLException e) {
      throw new StoreException("cannot scrub freed pages: " + e.getMessage(), e);
    }
  }

  /**
   * Copies the WAL into the database file and truncates it to zero bytes, so that no earlier version of an erased
   * row stays in the WAL. Waits for the writer; readers are not blocked. False when a reader kept it from
   * completing (try again later).
   */
  public boolean checkpoint() {
    if (dialect == Dialect.POSTGRESQL) {
      // No WAL file of this node's to truncate: the purge runs vacuumErased instead (erased rows
      // leave the heap's tuples; freed space and WAL segments keep their bytes until reused).
      return true;
    }
    writeLock.lock();
    try {
      if (closed) {
        return false;
      }
      Connection c = takeWriter();
      try (java.sql.Statement st = c.createStatement();
          java.sql.ResultSet r = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
        return r.next() && r.getInt(1) == 0; // busy = 0: every frame copied and the WAL truncated
      } finally {
        giveBack(c);
      }
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * The PostgreSQL tables that hold biometric or personal data of sessions and face-list entries (images, embeddings,
   * vendor data, document numbers, metadata): what {@link #vacuumErased} vacuums.
   */
  private static final java.util.List<String> ERASABLE_TABLES =
      java.util.List.of("face_images", "faces", "sessions", "face_list_entries");

  /**
   * PostgreSQL: {@code VACUUM} of the tables holding biometric data ({@link #ERASABLE_TABLES}, with their TOAST
   * tables), so that deleted rows stop being dead tuples in the heap: no tuple, live or dead, holds an erased value
   * any more, and the space is free for reuse. Runs outside any transaction (VACUUM cannot run in one) on a pooled
   * connection in autocommit; does not block reads or writes. What it does not do (PostgreSQL has no equivalent of
   * SQLite's secure_delete): zero the freed bytes. A page emptied whole (an erased image's TOAST chunks) keeps its
   * old bytes until reused, and WAL segments keep the rows until recycled. With {@code
   * -D}{@value #ERASURE_PROPERTY}{@code =full} the tables are rewritten instead ({@code VACUUM FULL}: new files
   * without the erased rows, the old ones deleted), which leaves no erased byte in the relation files but holds an
   * exclusive lock on each table while it is copied (measured: about 1 s for 10,000 images, 161 MB, on the 2-core
   * test machine): for installations small enough to afford it. SQLite: nothing to do (secure_delete and {@link
   * #checkpoint} do it).
   */
  public void vacuumErased() {
    if (dialect != Dialect.POSTGRESQL) {
      return;
    }
    try (Connection c = pooled();
        java.sql.Statement st = c.createStatement()) {
      st.execute((vacuumFull ? "VACUUM FULL " : "VACUUM ") + String.join(", ", ERASABLE_TABLES));
    } catch (SQLException e) {
      throw new StoreException("cannot vacuum the erased rows: " + e.getMessage(), e);
    }
  }

  /** Runs read-only repository work on this thread's read connection. */
  public <T> T read(TxWork<T> work) {
    if (dialect == Dialect.POSTGRESQL) {
      // In a (read-only) transaction, so that a statement with a fetch size streams its
      // rows instead of the driver reading the whole result into memory; ended by a
      // rollback, as nothing was written.
      try (Connection c = pooled()) {
        c.setAutoCommit(false);
        T result;
        try {
          result = work.apply(new Tx(c, false, false, dialect));
        } catch (RuntimeException e) {
          endAfterFailure(c, e);
          throw e;
        }
        c.rollback();
        c.setAutoCommit(true);
        return result;
      } catch (SQLException e) {
        throw new StoreException(e.getMessage(), e);
      }
    }
    try {
      return work.apply(new Tx(reader(), false));
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** How write transactions meet. */
  public Writes writes() {
    return writes;
  }

  private Connection reader() throws SQLException {
    if (closed) {
      throw new SQLException("database closed");
    }
    Connection c = readers.get();
    if (c == null || c.isClosed()) {
      c = dataSource.getConnection();
      readers.set(c);
      opened.add(c);
    }
    return c;
  }

  /** Closes every kept connection; later calls fail. */
  public void close() {
    closed = true;
    if (dataSource instanceof com.zaxxer.hikari.HikariDataSource pool) {
      pool.close();
      return;
    }
    writeLock.lock();
    try {
      for (Connection c; (c = opened.poll()) != null; ) {
        try {
          c.close();
        } catch (SQLException ignored) {
          // closing anyway
        }
      }
      writer = null;
      idleWriters.clear();
    } finally {
      writeLock.unlock();
    }
  }

  /** Runs repository work in one write transaction: all of it is committed, or none of it. */
  public <T> T inTransaction(TxWork<T> work) {
    if (dialect == Dialect.POSTGRESQL) {
      try (Connection c = pooled()) {
        c.setAutoCommit(false);
        Tx tx = new Tx(c, true, false, dialect);
        T result;
        try {
          result = work.apply(tx);
          c.commit();
        } catch (SQLException | RuntimeException e) {
          endAfterFailure(c, e);
          tx.ended(false);
          throw e;
        }
        tx.ended(true);
        c.setAutoCommit(true);
        return result;
      } catch (SQLException e) {
        throw new StoreException(e.getMessage(), e);
      }
    }
    boolean serialised = writes == Writes.SERIALISED;
    if (serialised) {
      writeLock.lock();
    }
    try {
      if (closed) {
        throw new SQLException("database closed");
      }
      Connection c = takeWriter();
      try {
        c.setAutoCommit(
            false); // SQLite: BEGIN IMMEDIATE when serialised, BEGIN DEFERRED in parallel
        Tx tx = new Tx(c, true, serialised, dialect);
        T result;
        try {
          result = work.apply(tx);
          c.commit();
        } catch (SQLException | RuntimeException e) {
          endAfterFailure(c, e);
          tx.ended(false);
          throw e;
        }
        tx.ended(true);
        // No transaction left open between calls (other processes may write too).
        c.setAutoCommit(true);
        return result;
      } finally {
        giveBack(c);
      }
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    } finally {
      if (serialised) {
        writeLock.unlock();
      }
    }
  }

  /**
   * Runs {@code pass} unless another node of the cluster runs the same job at this moment; returns whether it ran.
   * PostgreSQL: a session-scoped advisory lock ({@code pg_try_advisory_lock}, never waited for) on a pooled
   * connection kept for the pass and released after it; PostgreSQL releases it too when that connection ends, so a
   * node that dies during a pass frees the job at once. The pass itself uses other connections. SQLite: one process
   * serves a data folder and runs each job on one thread, so the pass just runs.
   */
  public boolean runAlone(SingletonJob job, Runnable pass) {
    if (dialect == Dialect.SQLITE) {
      pass.run();
      return true;
    }
    try (Connection c = pooled()) {
      if (!advisory(c, "SELECT pg_try_advisory_lock(?, ?)", job)) {
        return false;
      }
      try {
        pass.run();
      } finally {
        try {
          advisory(c, "SELECT pg_advisory_unlock(?, ?)", job);
        } catch (SQLException e) {
          // Never give a connection that may still hold the lock back to the pool: closing it
          // ends the session, and PostgreSQL releases the lock with it.
          if (dataSource instanceof com.zaxxer.hikari.HikariDataSource pool) {
            pool.evictConnection(c);
          }
        }
      }
      return true;
    } catch (SQLException e) {
      throw new StoreException("cannot take the lock of " + job + ": " + e.getMessage(), e);
    }
  }

  private static boolean advisory(Connection c, String sql, SingletonJob job) throws SQLException {
    try (java.sql.PreparedStatement q = c.prepareStatement(sql)) {
      q.setInt(1, Tx.KeySpace.SINGLETON_JOBS.id);
      q.setInt(2, job.key);
      try (java.sql.ResultSet r = q.executeQuery()) {
        return r.next() && r.getBoolean(1);
      }
    }
  }

  /**
   * Rolls back and ends the transaction of work that failed with {@code failure}. On a connection that failed
   * itself (PostgreSQL stopped, the socket broken) the rollback fails too, with an error that says less ("Connection
   * is closed", no SQLSTATE): it is kept as suppressed, so that the caller sees the first failure and, by its
   * SQLSTATE, a database that cannot be reached (503) rather than a fault (500). Such a failure also evicts the
   * pool's other connections (HikariCP's soft eviction: the idle ones now, those in use when they come back): after
   * a PostgreSQL restart they are all dead, and each would otherwise fail one more request before HikariCP noticed.
   */
  private void endAfterFailure(Connection c, Exception failure) {
    try {
      c.rollback();
      c.setAutoCommit(true);
    } catch (SQLException | RuntimeException rollbackFailed) {
      failure.addSuppressed(rollbackFailed);
    }
    if (dataSource instanceof com.zaxxer.hikari.HikariDataSource pool
        && StoreException.databaseUnreachable(failure)) {
      com.zaxxer.hikari.HikariPoolMXBean connections = pool.getHikariPoolMXBean();
      if (connections != null) {
        connections.softEvictConnections();
      }
    }
  }

  /** A connection of the PostgreSQL pool; closing it gives it back. */
  private Connection pooled() throws SQLException {
    if (closed) {
      throw new SQLException("database closed");
    }
    return dataSource.getConnection();
  }

  /** The one writer connection (serialised, under the write lock), or an idle one of the pool (parallel). */
  private Connection takeWriter() throws SQLException {
    if (writes == Writes.SERIALISED) {
      if (writer == null || writer.isClosed()) {
        writer = dataSource.getConnection();
        opened.add(writer);
      }
      return writer;
    }
    Connection c = idleWriters.pollFirst();
    if (c == null || c.isClosed()) {
      c = dataSource.getConnection();
      opened.add(c);
    }
    return c;
  }

  private void giveBack(Connection c) {
    if (writes == Writes.PARALLEL && !closed) {
      idleWriters.addFirst(c);
    }
  }
}
