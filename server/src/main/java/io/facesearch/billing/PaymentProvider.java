package io.facesearch.billing;

/** Starts a payment for a top-up; the built-in one is {@link OperatorApproval}. */
public interface PaymentProvider {

  /** A started checkout: the client sends the user to {@code url}. */
  record Checkout(String id, String url) {}

  Checkout start(String organizationId, long amountInDollars, long credits, String successUrl, String cancelUrl);
}
