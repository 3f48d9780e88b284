package io.facesearch.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Top-ups of the operator-approval payment provider (table {@code top_ups}). */
public final class TopUps {

  /** One top-up; {@code status}: pending or confirmed. */
  public record TopUpRow(
      String id,
      String organizationId,
      long amountInDollars,
      long credits,
      String status,
      Instant createdAt) {}

  public void insertPending(
      Tx tx,
      String id,
      String organizationId,
      long amountInDollars,
      long credits,
      String successUrl,
      String cancelUrl,
      Instant at) {
    SqlRows.update(
        tx,
        "INSERT INTO top_ups (id, organization_id, amount_in_dollars, credits, status, success_url, "
            + "cancel_url, created_at) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)",
        id,
        organizationId,
        amountInDollars,
        credits,
        successUrl,
        cancelUrl,
        at);
  }

  /**
   * Marks a pending top-up confirmed and returns it; empty when it is not pending (unknown, or confirmed already).
   * The test and the write are one statement, so of two transactions confirming one top-up only one gets it.
   */
  public Optional<TopUpRow> confirmPending(Tx tx, String id, Instant at) {
    if (SqlRows.update(
            tx,
            "UPDATE top_ups SET status = 'confirmed', confirmed_at = ? WHERE id = ? "
                + "AND status = 'pending'",
            at,
            id)
        != 1) {
      return Optional.empty();
    }
    return SqlRows.first(
        tx,
        "SELECT id, organization_id, amount_in_dollars, credits, status, created_at FROM top_ups "
            + "WHERE id = ?",
        TopUps::row,
        id);
  }

  /** The organization's top-ups (every organization's for null), oldest first. */
  public List<TopUpRow> list(Tx tx, String organizationId) {
    return SqlRows.list(
        tx,
        "SELECT id, organization_id, amount_in_dollars, credits, status, created_at FROM top_ups "
            + "WHERE (CAST(? AS TEXT) IS NULL OR organization_id = ?) ORDER BY created_at, id",
        TopUps::row,
        organizationId,
        organizationId);
  }

  private static TopUpRow row(java.sql.ResultSet r) throws java.sql.SQLException {
    return new TopUpRow(
        r.getString(1),
        r.getString(2),
        r.getLong(3),
        r.getLong(4),
        r.getString(5),
        SqlRows.time(r, 6));
  }
}
