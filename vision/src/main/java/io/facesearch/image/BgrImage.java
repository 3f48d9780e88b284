package io.facesearch.image;

/**
 * An upright 8-bit colour image, pixels interleaved in B, G, R order, rows top to bottom.
 *
 * <p>This is the one pixel layout the pipeline works on: {@link ImageDecoder} produces it (EXIF orientation
 * already applied, alpha composited on white, grey and CMYK converted), and every stage reads it.
 * Byte {@code bgr[(y * width + x) * 3 + c]} is channel {@code c} (0 = blue, 1 = green, 2 = red) of pixel (x, y).
 */
public record BgrImage(int width, int height, byte[] bgr) {

  public BgrImage {
    if (width <= 0 || height <= 0 || bgr.length != width * height * 3) {
      throw new IllegalArgumentException(
          "bad image geometry " + width + "x" + height + " for " + bgr.length + " bytes");
    }
  }

  /** Channel {@code c} (0 = B, 1 = G, 2 = R) of pixel (x, y), 0..255. */
  public int at(int x, int y, int c) {
    return bgr[(y * width + x) * 3 + c] & 0xff;
  }

  /** This image turned clockwise by {@code degrees} (0, 90, 180 or 270). */
  public BgrImage rotateClockwise(int degrees) {
    return switch (degrees) {
      case 0 -> this;
      case 90 -> Orientation.ROTATE_90.apply(this);
      case 180 -> Orientation.ROTATE_180.apply(this);
      case 270 -> Orientation.ROTATE_270.apply(this);
      default ->
          throw new IllegalArgumentException("rotation must be 0, 90, 180 or 270, not " + degrees);
    };
  }

  /** This image mirrored left to right. */
  public BgrImage mirror() {
    return Orientation.MIRROR.apply(this);
  }
}
