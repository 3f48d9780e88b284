package io.facesearch.image;

/** An upload that cannot be turned into an image; {@link #reason()} says why. The API maps it to 400. */
public final class ImageRejectedException extends Exception {

  /** Why an upload was refused. */
  public enum Reason {
    EMPTY("The file is empty."),
    TOO_LARGE("The file is larger than the allowed size."),
    UNSUPPORTED_FORMAT("Unsupported image format; use JPEG, PNG, WebP or TIFF."),
    TOO_MANY_PIXELS("The image has too many pixels."),
    CORRUPT("The image is corrupt or truncated.");

    private final String message;

    Reason(String message) {
      this.message = message;
    }

    public String message() {
      return message;
    }
  }

  private final Reason reason;

  public ImageRejectedException(Reason reason, String detail) {
    super(reason.message() + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"));
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
