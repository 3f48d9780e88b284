package io.facesearch.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes an upload into an upright {@link BgrImage}: JPEG (including CMYK, via TwelveMonkeys), PNG, WebP and TIFF.
 *
 * <p>The checks run cheapest first: size in bytes, the format from the leading bytes, the container's declared
 * sizes against the bytes present ({@link ContainerCheck}: a truncated file or an embedded colour profile larger
 * than the file is refused before any library allocates for it), the dimensions from the header (before any pixel
 * is decoded, so a decompression bomb costs nothing), then the pixels, read from a stream that ends the decode
 * after a deadline or when the decoder keeps reading past the end ({@link BoundedImageInputStream}). Any decoder
 * warning about the data (such as a truncated JPEG) rejects the file; colour-profile notes do not. EXIF orientation is always applied; alpha is composited
 * on white; grey, palette and 16-bit images become 8-bit BGR. Every failure is an {@link ImageRejectedException},
 * never an unchecked exception.
 */
public final class ImageDecoder {

  /** Largest upload accepted by default: 5 MB, decimal (5,000,000 bytes), as Didit documents it. */
  public static final int DEFAULT_MAX_BYTES = 5_000_000;

  /** Largest image accepted by default: 40 megapixels. */
  public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

  /**
   * Longest a decode may read its input, by default: a 40-megapixel JPEG decodes in about 1.5 s on one loaded core;
   * past this the decode is abandoned as corrupt (see {@link BoundedImageInputStream}).
   */
  public static final java.time.Duration DEFAULT_DEADLINE = java.time.Duration.ofSeconds(10);

  static {
    ImageIO.setUseCache(false); // decode in memory, never through temporary files
    ImageIO.scanForPlugins();
  }

  private final int maxBytes;
  private final long maxPixels;
  private final long deadlineNanos;

  public ImageDecoder() {
    this(DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS);
  }

  public ImageDecoder(int maxBytes, long maxPixels) {
    this(maxBytes, maxPixels, DEFAULT_DEADLINE);
  }

  public ImageDecoder(int maxBytes, long maxPixels, java.time.Duration deadline) {
    this.maxBytes = maxBytes;
    this.maxPixels = maxPixels;
    this.deadlineNanos = deadline.toNanos();
  }

  public BgrImage decode(byte[] data) throws ImageRejectedException {
    if (data == null || data.length == 0) {
      throw new ImageRejectedException(ImageRejectedException.Reason.EMPTY, null);
    }
    if (data.length > maxBytes) {
      throw new ImageRejectedException(
          ImageRejectedException.Reason.TOO_LARGE, data.length + " bytes, at most " + maxBytes);
    }
    ImageFormat format = ImageFormat.sniff(data);
    if (format == null) {
      throw new ImageRejectedException(ImageRejectedException.Reason.UNSUPPORTED_FORMAT, null);
    }
    ContainerCheck.check(
        data, format); // declared sizes against the bytes present, before any library allocates
    BufferedImage decoded = readPixels(data, format);
    BgrImage stored = toBgr(decoded);
    return ExifOrientation.read(data, format).apply(stored);
  }

  private BufferedImage readPixels(byte[] data, ImageFormat format) throws ImageRejectedException {
    try (ImageInputStream in =
        new BoundedImageInputStream(data, System.nanoTime() + deadlineNanos)) {
      Iterator<ImageReader> readers =
          ImageIO.getImageReadersByFormatName(format.name().toLowerCase());
      if (!readers.hasNext()) {
        throw new ImageRejectedException(
            ImageRejectedException.Reason.UNSUPPORTED_FORMAT, "no reader for " + format);
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long width = reader.getWidth(0);
        long height = reader.getHeight(0);
        if (width <= 0 || height <= 0) {
          throw new ImageRejectedException(ImageRejectedException.Reason.CORRUPT, "no dimensions");
        }
        if (width * height > maxPixels) {
          throw new ImageRejectedException(
              ImageRejectedException.Reason.TOO_MANY_PIXELS,
              width + "x" + height + ", at most " + maxPixels + " pixels");
        }
        WarningCollector warnings = new WarningCollector();
        reader.addIIOReadWarningListener(warnings);
        BufferedImage image = reader.read(0);
        if (warnings.first != null) {
          throw new ImageRejectedException(ImageRejectedException.Reason.CORRUPT, warnings.first);
        }
        return image;
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      // Decoders signal malformed input with IIOException but also with assorted runtime
      // exceptions.
      throw new ImageRejectedException(
          ImageRejectedException.Reason.CORRUPT, e.getClass().getSimpleName());
    }
  }

  private static BgrImage toBgr(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    Raster raster = image.getRaster();
    if (image.getType() == BufferedImage.TYPE_3BYTE_BGR
        && raster.getSampleModel() instanceof ComponentSampleModel sm
        && sm.getPixelStride() == 3
        && sm.getScanlineStride() == w * 3
        && raster.getDataBuffer().getNumBanks() == 1) {
      byte[] pixels = ((DataBufferByte) raster.getDataBuffer()).getData();
      if (pixels.length == w * h * 3) {
        return new BgrImage(w, h, pixels);
      }
    }
    int bands = raster.getNumBands();
    boolean grey =
        !image.getColorModel().hasAlpha()
            && bands == 1
            && image.getColorModel().getNumComponents() == 1;
    if (grey) {
      // Copy grey levels as they are: Java2D would treat them as linear light and brighten them.
      int shift = Math.max(0, raster.getSampleModel().getSampleSize(0) - 8);
      byte[] out = new byte[w * h * 3];
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        raster.getSamples(0, y, w, 1, 0, row);
        for (int x = 0, o = y * w * 3; x < w; x++, o += 3) {
          byte v = (byte) (row[x] >>> shift);
          out[o] = v;
          out[o + 1] = v;
          out[o + 2] = v;
        }
      }
      return new BgrImage(w, h, out);
    }
    BufferedImage bgr = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = bgr.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, w, h);
      g.drawImage(image, 0, 0, null);
    } finally {
      g.dispose();
    }
    return new BgrImage(w, h, ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData());
  }

  private static final class WarningCollector implements IIOReadWarningListener {
    String first;

    @Override
    public void warningOccurred(ImageReader source, String warning) {
      // Colour-management notes (e.g. a CMYK JPEG without an ICC profile) are not damage.
      String w = warning.toLowerCase(java.util.Locale.ROOT);
      if (first == null && !w.contains("icc") && !w.contains("color profile")) {
        first = warning;
      }
    }
  }
}
