package io.facesearch.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facesearch.billing.Credits;
import io.facesearch.billing.PaymentProvider;
import io.facesearch.billing.Prices;
import io.javalin.http.Context;

/** {@code GET /v3/billing/balance/} and {@code POST /v3/billing/top-up/}, for an API key or an access token. */
final class BillingHandler {

  /**
   * Didit's balance: {@code balance} in US dollars as a fixed-point string ({@code "50.0000"}); auto-refill is not
   * offered by the self-hosted provider (off, amounts null). {@code balance_credits} is facesearch's unit beside it.
   */
  record BalanceJson(
      String balance,
      boolean auto_refill_enabled,
      String auto_refill_amount,
      String auto_refill_threshold,
      long balance_credits,
      String credit_price) {}

  record CheckoutJson(String checkout_session_id, String checkout_session_url) {}

  /** What {@code checkout_session_url} shows: the top-up and, while it is pending, what the customer does next. */
  record CheckoutStateJson(
      String checkout_session_id,
      long amount_in_dollars,
      long credits,
      String status,
      String created_at,
      String next_step) {}

  static final long MIN_TOP_UP_DOLLARS = 50;
  static final long MAX_TOP_UP_DOLLARS = 1_000_000;

  private final Credits credits;
  private final Prices prices;
  private final PaymentProvider payments;
  private final ObjectMapper json;
  private final Origins origins;

  BillingHandler(
      Credits credits,
      Prices prices,
      PaymentProvider payments,
      ObjectMapper json,
      Origins origins) {
    this.credits = credits;
    this.prices = prices;
    this.payments = payments;
    this.json = json;
    this.origins = origins;
  }

  void balance(Context ctx) {
    long balance = credits.balance(Gate.caller(ctx).organizationId());
    ctx.json(
        new BalanceJson(
            dollars(balance * prices.creditPriceCents()),
            false,
            null,
            null,
            balance,
            dollars(prices.creditPriceCents())));
  }

  void topUp(Context ctx) {
    JsonNode body = JsonBody.object(ctx, json);
    JsonNode amount = body.get("amount_in_dollars");
    if (amount == null || amount.isNull()) {
      throw ApiException.invalidField("amount_in_dollars", "This field is required.");
    }
    boolean whole =
        amount.isIntegralNumber()
            || (amount.isNumber()
                && amount.asDouble() == Math.rint(amount.asDouble())); // 50, 50.0, 5e1
    if (!whole
        || !amount.canConvertToLong()
        || amount.asLong() < MIN_TOP_UP_DOLLARS
        || amount.asLong() > MAX_TOP_UP_DOLLARS) {
      throw ApiException.invalidField(
          "amount_in_dollars",
          "Ensure this value is a whole number from "
              + MIN_TOP_UP_DOLLARS
              + " to "
              + MAX_TOP_UP_DOLLARS
              + ".");
    }
    String success = body.path("success_url").asText(null);
    String cancel = body.path("cancel_url").asText(null);
    long dollars = amount.asLong();
    PaymentProvider.Checkout checkout =
        payments.start(
            Gate.caller(ctx).organizationId(),
            dollars,
            prices.creditsFor(dollars),
            success,
            cancel);
    ctx.json(new CheckoutJson(checkout.id(), origins.of(ctx) + checkout.url()));
  }

  /** Cents as Didit writes dollars: a string with four decimals. */
  static String dollars(long cents) {
    return java.math.BigDecimal.valueOf(cents, 2)
        .setScale(4, java.math.RoundingMode.UNNECESSARY)
        .toPlainString();
  }

  void checkout(Context ctx) {
    String organizationId = Gate.caller(ctx).organizationId();
    PaymentProvider.CheckoutState state =
        payments
            .find(organizationId, ctx.pathParam("checkout_id"))
            .orElseThrow(() -> ApiException.notFound("Top-up not found."));
    ctx.json(
        new CheckoutStateJson(
            state.id(),
            state.amountInDollars(),
            state.credits(),
            state.status(),
            state.createdAt().toString(),
            state.status().equals("pending")
                ? "Pay the operator of this facesearch install as agreed with them; they confirm the top-up and its "
                    + "credits are added to your balance."
                : null));
  }
}
