package io.facesearch.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.facesearch.pipeline.TestData;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDecoderTest {

  private static final String PHOTO = "face_recognition_examples/examples/obama.jpg";
  private final ImageDecoder decoder = new ImageDecoder();

  @Test
  void decodes_the_same_photo_from_jpeg_png_webp_and_tiff(@TempDir Path tmp) throws Exception {
    BgrImage jpeg = decoder.decode(TestData.bytes(PHOTO));
    BufferedImage original = ImageIO.read(TestData.file(PHOTO).toFile());

    BgrImage png = decoder.decode(encode(original, "png"));
    BgrImage tiff = decoder.decode(encode(original, "tiff"));
    assertSamePixels(jpeg, png, 0.01, "png");
    assertSamePixels(jpeg, tiff, 0.01, "tiff");

    // No Java WebP encoder exists; libwebp's cwebp (Debian package 'webp', installed by .ci/run)
    // makes one.
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/cwebp")), "cwebp not installed");
    Path webp = tmp.resolve("photo.webp");
    Process p =
        new ProcessBuilder(
                "/usr/bin/cwebp",
                "-quiet",
                "-q",
                "95",
                TestData.file(PHOTO).toString(),
                "-o",
                webp.toString())
            .redirectErrorStream(true)
            .start();
    assertEquals(
        0, p.waitFor(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    assertSamePixels(jpeg, decoder.decode(Files.readAllBytes(webp)), 6.0, "webp");
  }

  @Test
  void applies_exif_orientation_so_every_stored_rotation_decodes_upright() throws Exception {
    for (String stem : new String[] {"id01/img1", "id02/img3", "id03/img8"}) {
      String id = "derived/exif_orientation/" + stem;
      BgrImage exif3 = decoder.decode(TestData.bytes(id + "_exif3.jpg"));
      BgrImage exif6 = decoder.decode(TestData.bytes(id + "_exif6.jpg"));
      BgrImage exif8 = decoder.decode(TestData.bytes(id + "_exif8.jpg"));
      // Orientation 3 is stored upside down with the upright width and height; 6 and 8 are stored
      // sideways.
      assertSamePixels(exif3, exif6, 8.0, id + " exif6 vs exif3");
      assertSamePixels(exif3, exif8, 8.0, id + " exif8 vs exif3");
    }
  }

  @Test
  void orientation_transforms_move_pixels_where_exif_says() {
    // A 2x1 image: blue at (0,0), red at (1,0).
    BgrImage img = new BgrImage(2, 1, new byte[] {(byte) 255, 0, 0, 0, 0, (byte) 255});
    BgrImage cw = Orientation.ROTATE_90.apply(img); // turn clockwise: blue on top
    assertEquals(1, cw.width());
    assertEquals(2, cw.height());
    assertEquals(255, cw.at(0, 0, 0));
    assertEquals(255, cw.at(0, 1, 2));
    BgrImage ccw = Orientation.ROTATE_270.apply(img); // counter-clockwise: red on top
    assertEquals(255, ccw.at(0, 0, 2));
    assertEquals(255, img.rotateClockwise(180).at(0, 0, 2));
    assertEquals(255, img.mirror().at(0, 0, 2));
  }

  @Test
  void decodes_grey_rgba_and_cmyk_images_to_bgr(@TempDir Path tmp) throws Exception {
    BgrImage grey = decoder.decode(TestData.bytes("opencv-doc_examples/with_face/basketball1.png"));
    Raster greyRaster =
        ImageIO.read(TestData.file("opencv-doc_examples/with_face/basketball1.png").toFile())
            .getRaster();
    assertEquals(
        greyRaster.getSample(10, 10, 0),
        grey.at(10, 10, 1),
        "grey levels are copied, not gamma-shifted");
    assertEquals(grey.at(10, 10, 0), grey.at(10, 10, 2));

    BgrImage rgba =
        decoder.decode(TestData.bytes("face_recognition_examples/tests/test_images/32bit.png"));
    assertTrue(rgba.width() > 0 && rgba.height() > 0);

    BgrImage rgb = decoder.decode(TestData.bytes(PHOTO));
    byte[] cmykBytes = cmykJpeg(TestData.file(PHOTO), tmp);
    assertEquals(4, componentsOf(cmykBytes), "ImageMagick wrote a 4-component JPEG");
    BgrImage cmyk = decoder.decode(cmykBytes);
    assertSamePixels(rgb, cmyk, 12.0, "cmyk");
  }

  @Test
  void rejects_bad_uploads_with_a_typed_reason() throws Exception {
    byte[] jpeg = TestData.bytes(PHOTO);
    assertRejected(new byte[0], ImageRejectedException.Reason.EMPTY, "empty");
    assertRejected(
        Arrays.copyOf(jpeg, jpeg.length / 2),
        ImageRejectedException.Reason.CORRUPT,
        "truncated jpeg");
    byte[] garbage = jpeg.clone();
    for (int i = 200; i < garbage.length; i++) {
      garbage[i] = (byte) (i * 31);
    }
    assertRejected(garbage, ImageRejectedException.Reason.CORRUPT, "corrupt jpeg");
    assertRejected(
        "%PDF-1.4\n1 0 obj\n<<>>\nendobj\n".getBytes(StandardCharsets.US_ASCII),
        ImageRejectedException.Reason.UNSUPPORTED_FORMAT,
        "pdf");
    assertRejected(
        encode(ImageIO.read(TestData.file(PHOTO).toFile()), "gif"),
        ImageRejectedException.Reason.UNSUPPORTED_FORMAT,
        "gif");
    assertRejected(
        "just some text".getBytes(StandardCharsets.UTF_8),
        ImageRejectedException.Reason.UNSUPPORTED_FORMAT,
        "text");
    assertRejected(
        Arrays.copyOf(jpeg, ImageDecoder.DEFAULT_MAX_BYTES + 1),
        ImageRejectedException.Reason.TOO_LARGE,
        "6 MB");
    assertRejected(
        pngClaiming(20_000, 20_000), ImageRejectedException.Reason.TOO_MANY_PIXELS, "bomb");
    assertRejected(
        new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF},
        ImageRejectedException.Reason.CORRUPT,
        "header only");
  }

  private void assertRejected(byte[] data, ImageRejectedException.Reason reason, String what) {
    ImageRejectedException e =
        assertThrows(ImageRejectedException.class, () -> decoder.decode(data), what);
    assertEquals(reason, e.reason(), what + ": " + e.getMessage());
  }

  /** Mean absolute difference per channel value must be at most {@code maxMeanDiff}. */
  static void assertSamePixels(BgrImage a, BgrImage b, double maxMeanDiff, String what) {
    assertEquals(a.width(), b.width(), what + " width");
    assertEquals(a.height(), b.height(), what + " height");
    long sum = 0;
    for (int i = 0; i < a.bgr().length; i++) {
      sum += Math.abs((a.bgr()[i] & 0xff) - (b.bgr()[i] & 0xff));
    }
    double mean = (double) sum / a.bgr().length;
    assertTrue(mean <= maxMeanDiff, what + ": mean pixel difference " + mean + " > " + maxMeanDiff);
  }

  private static byte[] encode(BufferedImage image, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(image, format, out), "no writer for " + format);
    return out.toByteArray();
  }

  /** The photo as a CMYK JPEG made by ImageMagick (Debian package 'imagemagick', installed by .ci/run). */
  private static byte[] cmykJpeg(Path photo, Path tmp) throws Exception {
    Path convert = Path.of("/usr/bin/convert-im6.q16");
    assumeTrue(Files.isExecutable(convert), "ImageMagick not installed");
    Path out = tmp.resolve("cmyk.jpg");
    Process p =
        new ProcessBuilder(
                convert.toString(),
                photo.toString(),
                "-colorspace",
                "CMYK",
                "-quality",
                "95",
                out.toString())
            .redirectErrorStream(true)
            .start();
    assertEquals(
        0, p.waitFor(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    return Files.readAllBytes(out);
  }

  /** Number of colour components in a JPEG's SOF segment. */
  private static int componentsOf(byte[] jpeg) {
    for (int p = 2; p + 9 < jpeg.length; ) {
      int marker = jpeg[p + 1] & 0xff;
      int len = ((jpeg[p + 2] & 0xff) << 8) | (jpeg[p + 3] & 0xff);
      if (marker >= 0xC0 && marker <= 0xC2) {
        return jpeg[p + 9] & 0xff;
      }
      p += 2 + len;
    }
    return -1;
  }

  /** A syntactically valid PNG header whose IHDR claims {@code w x h} pixels (the pixel data is absent). */
  private static byte[] pngClaiming(int w, int h) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
    byte[] ihdr = {
      'I',
      'H',
      'D',
      'R',
      (byte) (w >>> 24),
      (byte) (w >>> 16),
      (byte) (w >>> 8),
      (byte) w,
      (byte) (h >>> 24),
      (byte) (h >>> 16),
      (byte) (h >>> 8),
      (byte) h,
      8,
      2,
      0,
      0,
      0
    };
    out.writeBytes(new byte[] {0, 0, 0, 13});
    out.writeBytes(ihdr);
    CRC32 crc = new CRC32();
    crc.update(ihdr);
    long c = crc.getValue();
    out.writeBytes(new byte[] {(byte) (c >>> 24), (byte) (c >>> 16), (byte) (c >>> 8), (byte) c});
    return out.toByteArray();
  }
}
