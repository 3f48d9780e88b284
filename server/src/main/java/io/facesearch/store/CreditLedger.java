package io.facesearch.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The credit ledger (append-only, {@code credit_ledger}; a balance is its sum) and the holds of calls in progress
 * ({@code credit_holds}). Reading a balance and acting on it is the billing package's rule, under
 * {@link Accounts#lockOrganization}.
 */
public final class CreditLedger {

  /** One ledger line. */
  public record EntryRow(
      long id, long amount, String kind, String endpoint, String reference, Instant createdAt) {}

  /** Appends a line: {@code amount} > 0 adds credits, < 0 charges. */
  public void append(
      Tx tx,
      String organizationId,
      long amount,
      String kind,
      String endpoint,
      String reference,
      Instant at) {
    SqlRows.update(
        tx,
        "INSERT INTO credit_ledger (organization_id, amount, kind, endpoint, reference, created_at) "
            + "VALUES (?, ?, ?, ?, ?, ?)",
        organizationId,
        amount,
        kind,
        endpoint,
        reference,
        at);
  }

  /** The sum of the organization's ledger. */
  public long balance(Tx tx, String organizationId) {
    return SqlRows.number(
        tx,
        "SELECT COALESCE(SUM(amount), 0) FROM credit_ledger WHERE organization_id = ?",
        organizationId);
  }

  /** The sum of the organization's holds. */
  public long held(Tx tx, String organizationId) {
    return SqlRows.number(
        tx,
        "SELECT COALESCE(SUM(amount), 0) FROM credit_holds WHERE organization_id = ?",
        organizationId);
  }

  public void insertHold(Tx tx, String holdId, String organizationId, int amount, Instant at) {
    SqlRows.update(
        tx,
        "INSERT INTO credit_holds (id, organization_id, amount, created_at) VALUES (?, ?, ?, ?)",
        holdId,
        organizationId,
        amount,
        at);
  }

  /** Deletes a hold; false when there was none. */
  public boolean deleteHold(Tx tx, String holdId) {
    return SqlRows.update(tx, "DELETE FROM credit_holds WHERE id = ?", holdId) == 1;
  }

  /** Deletes every hold (of any organization) made before {@code cutoff}. */
  public void deleteHoldsBefore(Tx tx, Instant cutoff) {
    SqlRows.update(tx, "DELETE FROM credit_holds WHERE created_at < ?", cutoff);
  }

  /** The organization's ledger, oldest first. */
  public List<EntryRow> entries(Tx tx, String organizationId) {
    return SqlRows.list(
        tx,
        "SELECT id, amount, kind, endpoint, reference, created_at FROM credit_ledger "
            + "WHERE organization_id = ? ORDER BY id",
        r ->
            new EntryRow(
                r.getLong(1),
                r.getLong(2),
                r.getString(3),
                r.getString(4),
                r.getString(5),
                SqlRows.time(r, 6)),
        organizationId);
  }

  /** Credits charged per endpoint ('' for none) over the whole ledger. */
  public Map<String, Long> chargedByEndpoint(Tx tx) {
    Map<String, Long> out = new TreeMap<>();
    SqlRows.list(
        tx,
        "SELECT COALESCE(endpoint, ''), -SUM(amount) FROM credit_ledger WHERE kind = 'charge' "
            + "GROUP BY endpoint",
        r -> out.put(r.getString(1), r.getLong(2)));
    return out;
  }
}
