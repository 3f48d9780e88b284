package io.facesearch.billing;

/** The organization's balance cannot cover the call. Answered 403 before any processing. */
public final class InsufficientCreditsException extends Exception {
  public InsufficientCreditsException(long balance, int price) {
    super(
        "Insufficient credits: balance " + balance + ", this call costs " + price + ".",
        null,
        false,
        false);
  }
}
