package io.facesearch.billing;

/**
 * What billable calls cost, in credits, and what a credit costs in US dollars.
 *
 * @param faceSearch       credits per successful {@code POST /v3/face-search/} (default 1)
 * @param creditPriceCents US cents per credit when topping up (default 10: $50 buys 500 credits)
 * @param freeCredits      credits granted to an organization when it registers (default 0)
 * @param faceMatch        credits per successful {@code POST /v3/face-match/} (default 1)
 * @param passiveLiveness  credits per successful {@code POST /v3/passive-liveness/} (default 1)
 * @param ageEstimation    credits per successful {@code POST /v3/age-estimation/} (default 1)
 */
public record Prices(
    int faceSearch,
    int creditPriceCents,
    int freeCredits,
    int faceMatch,
    int passiveLiveness,
    int ageEstimation) {

  public static final Prices DEFAULTS = new Prices(1, 10, 0);

  /** Companion endpoints at one credit each. */
  public Prices(int faceSearch, int creditPriceCents, int freeCredits) {
    this(faceSearch, creditPriceCents, freeCredits, 1, 1, 1);
  }

  /** Credits bought with a whole number of dollars. */
  public long creditsFor(long dollars) {
    return Math.multiplyExact(dollars, 100L) / creditPriceCents;
  }
}
