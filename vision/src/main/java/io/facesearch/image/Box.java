package io.facesearch.image;

/** An axis-aligned rectangle in image pixels: top-left corner (x, y) and size. */
public record Box(float x, float y, float width, float height) {

  /** Output pixel -> source pixel map for cutting this box out and resizing it to {@code outW x outH}. */
  public Affine cropTo(int outW, int outH) {
    return Affine.crop(x, y, width, height, outW, outH);
  }
}
