package io.facesearch.images;

import io.facesearch.image.BgrImage;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Encodes a decoded image as the JPEG an {@link ImageStore} keeps: pixels only, no metadata. */
public final class Jpeg {

  private Jpeg() {}

  /** The image as JPEG bytes (ImageIO's default quality). */
  public static byte[] encode(BgrImage image) {
    BufferedImage img =
        new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_3BYTE_BGR);
    System.arraycopy(
        image.bgr(),
        0,
        ((DataBufferByte) img.getRaster().getDataBuffer()).getData(),
        0,
        image.bgr().length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "jpeg", out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a JPEG in memory", e);
    }
    return out.toByteArray();
  }
}
