package io.facesearch.billing;

import java.time.Instant;
import java.util.Optional;

/** Starts a payment for a top-up; the built-in one is {@link OperatorApproval}. */
public interface PaymentProvider {

  /** A started checkout: the client sends the user to {@code url}. */
  record Checkout(String id, String url) {}

  /** Where a started checkout stands; {@code status} is {@code pending} or {@code confirmed}. */
  record CheckoutState(
      String id, long amountInDollars, long credits, String status, Instant createdAt) {}

  Checkout start(
      String organizationId,
      long amountInDollars,
      long credits,
      String successUrl,
      String cancelUrl);

  /** A checkout this provider started for the organization; empty when there is none of that id for it. */
  Optional<CheckoutState> find(String organizationId, String checkoutId);
}
