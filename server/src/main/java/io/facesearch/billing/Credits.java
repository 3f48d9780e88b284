package io.facesearch.billing;

import io.facesearch.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Prepaid credits: an append-only ledger per organization ({@code credit_ledger}); the balance is its sum.
 *
 * <p>A billable call first {@link #reserve reserves} its price: in one write transaction (SQLite has one
 * writer, so reservations are serialised) the balance minus live holds must cover it, else the call gets 403
 * before any work. On success the hold becomes a ledger charge in the same transaction that saves the call's
 * result ({@link #charge}); on failure it is {@link #release released}. So a call is charged exactly once,
 * only on success, and concurrent calls can never drive the balance below zero. Holds older than
 * {@link #HOLD_LIFETIME} (a crash mid-call) no longer count and are purged.
 */
public final class Credits {

  /** A reservation; {@link #NONE} for unmetered organizations (nothing to charge). */
  public record Hold(String id, String organizationId, int amount) {
    public static final Hold NONE = new Hold(null, null, 0);

    public boolean none() {
      return id == null;
    }
  }

  /** One ledger line. */
  public record Entry(long id, long amount, String kind, String endpoint, String reference, Instant createdAt) {}

  static final Duration HOLD_LIFETIME = Duration.ofMinutes(10);

  private final Database db;
  private final Clock clock;

  public Credits(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** Reserves {@code price} credits for a call of a metered organization. */
  public Hold reserve(String organizationId, int price) throws InsufficientCreditsException {
    if (!metered(organizationId)) {
      return Hold.NONE; // unmetered: no write transaction at all
    }
    long[] shortBalance = {0};
    Hold hold = db.withConnectionInTransaction(c -> {
      if (!metered(c, organizationId)) {
        return Hold.NONE;
      }
      String staleBefore = clock.instant().minus(HOLD_LIFETIME).toString();
      try (PreparedStatement q = c.prepareStatement("DELETE FROM credit_holds WHERE created_at < ?")) {
        q.setString(1, staleBefore);
        q.executeUpdate();
      }
      long available = balance(c, organizationId) - held(c, organizationId);
      if (available < price) {
        shortBalance[0] = available;
        return null;
      }
      Hold h = new Hold(UUID.randomUUID().toString(), organizationId, price);
      try (PreparedStatement q = c.prepareStatement(
          "INSERT INTO credit_holds (id, organization_id, amount, created_at) VALUES (?, ?, ?, ?)")) {
        q.setString(1, h.id());
        q.setString(2, organizationId);
        q.setInt(3, price);
        q.setString(4, clock.instant().toString());
        q.executeUpdate();
      }
      return h;
    });
    if (hold == null) {
      throw new InsufficientCreditsException(Math.max(0, shortBalance[0]), price);
    }
    return hold;
  }

  /** Turns a hold into a ledger charge, within the caller's transaction. */
  public void charge(Connection c, Hold hold, String endpoint, String reference) throws SQLException {
    if (hold.none()) {
      return;
    }
    try (PreparedStatement q = c.prepareStatement("DELETE FROM credit_holds WHERE id = ?")) {
      q.setString(1, hold.id());
      q.executeUpdate();
    }
    append(c, hold.organizationId(), -hold.amount(), "charge", endpoint, reference);
  }

  /** {@link #charge} in a transaction of its own (calls that save nothing else). */
  public void chargeAlone(Hold hold, String endpoint, String reference) {
    if (hold.none()) {
      return;
    }
    db.withConnectionInTransaction(c -> {
      charge(c, hold, endpoint, reference);
      return null;
    });
  }

  /** Credits charged per endpoint over the whole ledger (for metrics). */
  public java.util.Map<String, Long> chargedByEndpoint() {
    return db.withReadConnection(c -> {
      java.util.Map<String, Long> out = new java.util.TreeMap<>();
      try (PreparedStatement q = c.prepareStatement("SELECT COALESCE(endpoint, ''), -SUM(amount) FROM credit_ledger "
          + "WHERE kind = 'charge' GROUP BY endpoint")) {
        try (java.sql.ResultSet r = q.executeQuery()) {
          while (r.next()) {
            out.put(r.getString(1), r.getLong(2));
          }
        }
      }
      return out;
    });
  }

  /** Gives back a hold (the call failed). */
  public void release(Hold hold) {
    if (hold.none()) {
      return;
    }
    db.withConnectionInTransaction(c -> {
      try (PreparedStatement q = c.prepareStatement("DELETE FROM credit_holds WHERE id = ?")) {
        q.setString(1, hold.id());
        return q.executeUpdate();
      }
    });
  }

  /** Adds credits ({@code kind}: grant, top_up, free_balance). */
  public void add(String organizationId, long amount, String kind, String reference) {
    if (amount <= 0) {
      throw new IllegalArgumentException("credits to add must be positive");
    }
    db.withConnectionInTransaction(c -> {
      append(c, organizationId, amount, kind, null, reference);
      return null;
    });
  }

  /** Adds credits within the caller's transaction. */
  public void add(Connection c, String organizationId, long amount, String kind, String reference) throws SQLException {
    if (amount <= 0) {
      throw new IllegalArgumentException("credits to add must be positive");
    }
    append(c, organizationId, amount, kind, null, reference);
  }

  public long balance(String organizationId) {
    return db.withReadConnection(c -> balance(c, organizationId));
  }

  public boolean metered(String organizationId) {
    return db.withReadConnection(c -> metered(c, organizationId));
  }

  public void setMetered(String organizationId, boolean metered) {
    db.withConnectionInTransaction(c -> {
      try (PreparedStatement q = c.prepareStatement("UPDATE organizations SET metered = ? WHERE id = ?")) {
        q.setInt(1, metered ? 1 : 0);
        q.setString(2, organizationId);
        return q.executeUpdate();
      }
    });
  }

  public List<Entry> ledger(String organizationId) {
    return db.withReadConnection(c -> {
      List<Entry> entries = new ArrayList<>();
      try (PreparedStatement q = c.prepareStatement("SELECT id, amount, kind, endpoint, reference, created_at "
          + "FROM credit_ledger WHERE organization_id = ? ORDER BY id")) {
        q.setString(1, organizationId);
        try (ResultSet r = q.executeQuery()) {
          while (r.next()) {
            entries.add(new Entry(r.getLong(1), r.getLong(2), r.getString(3), r.getString(4), r.getString(5),
                Instant.parse(r.getString(6))));
          }
        }
      }
      return entries;
    });
  }

  private void append(Connection c, String organizationId, long amount, String kind, String endpoint, String reference)
      throws SQLException {
    try (PreparedStatement q = c.prepareStatement("INSERT INTO credit_ledger (organization_id, amount, kind, endpoint, "
        + "reference, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
      q.setString(1, organizationId);
      q.setLong(2, amount);
      q.setString(3, kind);
      q.setString(4, endpoint);
      q.setString(5, reference);
      q.setString(6, clock.instant().toString());
      q.executeUpdate();
    }
  }

  private static long balance(Connection c, String organizationId) throws SQLException {
    return sum(c, "SELECT COALESCE(SUM(amount), 0) FROM credit_ledger WHERE organization_id = ?", organizationId);
  }

  private static long held(Connection c, String organizationId) throws SQLException {
    return sum(c, "SELECT COALESCE(SUM(amount), 0) FROM credit_holds WHERE organization_id = ?", organizationId);
  }

  private static long sum(Connection c, String sql, String organizationId) throws SQLException {
    try (PreparedStatement q = c.prepareStatement(sql)) {
      q.setString(1, organizationId);
      try (ResultSet r = q.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  private static boolean metered(Connection c, String organizationId) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("SELECT metered FROM organizations WHERE id = ?")) {
      q.setString(1, organizationId);
      try (ResultSet r = q.executeQuery()) {
        return r.next() && r.getInt(1) == 1;
      }
    }
  }
}
