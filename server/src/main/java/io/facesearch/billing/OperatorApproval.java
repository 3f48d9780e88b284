package io.facesearch.billing;

import io.facesearch.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The built-in payment provider of a self-hosted install: a top-up is recorded as pending, the customer pays
 * the operator by whatever means they agree, and the operator confirms it ({@code facesearch credits confirm
 * ID}); only then do its credits land in the ledger, in the same transaction that marks it confirmed, so a
 * top-up is credited at most once.
 */
public final class OperatorApproval implements PaymentProvider {

  /** One top-up. */
  public record TopUp(String id, String organizationId, long amountInDollars, long credits, String status,
                      Instant createdAt) {}

  private final Database db;
  private final Credits credits;
  private final Clock clock;

  public OperatorApproval(Database db, Credits credits, Clock clock) {
    this.db = db;
    this.credits = credits;
    this.clock = clock;
  }

  @Override
  public Checkout start(String organizationId, long amountInDollars, long creditAmount, String successUrl,
                        String cancelUrl) {
    String id = UUID.randomUUID().toString();
    db.withConnectionInTransaction(c -> {
      try (PreparedStatement q = c.prepareStatement("INSERT INTO top_ups (id, organization_id, amount_in_dollars, "
          + "credits, status, success_url, cancel_url, created_at) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)")) {
        q.setString(1, id);
        q.setString(2, organizationId);
        q.setLong(3, amountInDollars);
        q.setLong(4, creditAmount);
        q.setString(5, successUrl);
        q.setString(6, cancelUrl);
        q.setString(7, clock.instant().toString());
        return q.executeUpdate();
      }
    });
    return new Checkout(id, "/v3/billing/top-up/" + id + "/");
  }

  @Override
  public Optional<CheckoutState> find(String organizationId, String checkoutId) {
    return list(organizationId).stream().filter(t -> t.id().equals(checkoutId)).findFirst()
        .map(t -> new CheckoutState(t.id(), t.amountInDollars(), t.credits(), t.status(), t.createdAt()));
  }

  /** Confirms a pending top-up and credits it; false when it is not pending (unknown, or already done). */
  public boolean confirm(String topUpId) {
    return db.withConnectionInTransaction(c -> {
      String org;
      long amount;
      try (PreparedStatement q = c.prepareStatement(
          "SELECT organization_id, credits FROM top_ups WHERE id = ? AND status = 'pending'")) {
        q.setString(1, topUpId);
        try (ResultSet r = q.executeQuery()) {
          if (!r.next()) {
            return false;
          }
          org = r.getString(1);
          amount = r.getLong(2);
        }
      }
      try (PreparedStatement q = c.prepareStatement(
          "UPDATE top_ups SET status = 'confirmed', confirmed_at = ? WHERE id = ? AND status = 'pending'")) {
        q.setString(1, clock.instant().toString());
        q.setString(2, topUpId);
        q.executeUpdate();
      }
      credits.add(c, org, amount, "top_up", topUpId);
      return true;
    });
  }

  public List<TopUp> list(String organizationId) {
    return db.withReadConnection(c -> {
      List<TopUp> out = new ArrayList<>();
      try (PreparedStatement q = c.prepareStatement("SELECT id, organization_id, amount_in_dollars, credits, status, "
          + "created_at FROM top_ups WHERE (? IS NULL OR organization_id = ?) ORDER BY created_at")) {
        q.setString(1, organizationId);
        q.setString(2, organizationId);
        try (ResultSet r = q.executeQuery()) {
          while (r.next()) {
            out.add(new TopUp(r.getString(1), r.getString(2), r.getLong(3), r.getLong(4), r.getString(5),
                Instant.parse(r.getString(6))));
          }
        }
      }
      return out;
    });
  }
}
