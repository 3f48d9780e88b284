package io.facesearch.billing;

import io.facesearch.store.Database;
import io.facesearch.store.TopUps;
import java.time.Clock;
import java.time.Instant;
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
  public record TopUp(
      String id,
      String organizationId,
      long amountInDollars,
      long credits,
      String status,
      Instant createdAt) {}

  private final Database db;
  private final Credits credits;
  private final Clock clock;
  private final TopUps topUps = new TopUps();

  public OperatorApproval(Database db, Credits credits, Clock clock) {
    this.db = db;
    this.credits = credits;
    this.clock = clock;
  }

  @Override
  public Checkout start(
      String organizationId,
      long amountInDollars,
      long creditAmount,
      String successUrl,
      String cancelUrl) {
    String id = UUID.randomUUID().toString();
    db.inTransaction(
        tx -> {
          topUps.insertPending(
              tx,
              id,
              organizationId,
              amountInDollars,
              creditAmount,
              successUrl,
              cancelUrl,
              clock.instant());
          return null;
        });
    return new Checkout(id, "/v3/billing/top-up/" + id + "/");
  }

  @Override
  public Optional<CheckoutState> find(String organizationId, String checkoutId) {
    return list(organizationId).stream()
        .filter(t -> t.id().equals(checkoutId))
        .findFirst()
        .map(
            t ->
                new CheckoutState(
                    t.id(), t.amountInDollars(), t.credits(), t.status(), t.createdAt()));
  }

  /** Confirms a pending top-up and credits it; false when it is not pending (unknown, or already done). */
  public boolean confirm(String topUpId) {
    return db.inTransaction(
        tx ->
            topUps
                .confirmPending(tx, topUpId, clock.instant())
                .map(
                    t -> {
                      credits.add(tx, t.organizationId(), t.credits(), "top_up", topUpId);
                      return true;
                    })
                .orElse(false));
  }

  public List<TopUp> list(String organizationId) {
    return db.read(tx -> topUps.list(tx, organizationId)).stream()
        .map(
            t ->
                new TopUp(
                    t.id(),
                    t.organizationId(),
                    t.amountInDollars(),
                    t.credits(),
                    t.status(),
                    t.createdAt()))
        .toList();
  }
}
