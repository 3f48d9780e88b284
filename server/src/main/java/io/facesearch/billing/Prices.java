package io.facesearch.billing;

/**
 * What billable calls cost, in credits, and what a credit costs in US dollars.
 *
 * @param faceSearch       credits per successful {@code POST /v3/face-search/} (default 1)
 * @param creditPriceCents US cents per credit when topping up (default 10: $50 buys 500 credits)
 * @param freeCredits      credits granted to an organization when it registers (default 0)
 */
public record Prices(int faceSearch, int creditPriceCents, int freeCredits) {

  public static final Prices DEFAULTS = new Prices(1, 10, 0);

  /** Credits bought with a whole number of dollars. */
  public long creditsFor(long dollars) {
    return dollars * 100 / creditPriceCents;
  }
}
