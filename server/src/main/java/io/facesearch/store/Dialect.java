package io.facesearch.store;

/**
 * The SQL engine behind a {@link Database}, for the few statements that differ between them. Nearly all SQL of the
 * repositories is one text for both (booleans bound and read as booleans, times as {@link StoredTime} text,
 * {@code RETURNING} and {@code ON CONFLICT}, which both engines have); what differs is how a rule takes its lock
 * ({@link Tx#lockRow}, {@link Tx#lockKey}) and the maintenance of the embedded file ({@link Database#checkpoint}).
 */
public enum Dialect {
  /** The embedded default: one SQLite file in the data folder. */
  SQLITE,
  /** Cluster mode: a PostgreSQL server shared by every node, through a connection pool. */
  POSTGRESQL
}
