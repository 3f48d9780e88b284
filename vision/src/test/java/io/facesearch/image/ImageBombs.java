package io.facesearch.image;

import io.facesearch.pipeline.TestData;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Hostile images of issue 20, built from a real photo: truncated lossless WebP, ICC profiles and metadata blocks
 * declaring sizes far beyond the bytes present. Shared with the server's HTTP tests (vision's test-jar).
 */
public final class ImageBombs {

  /** The photo the attack used. */
  public static final String PHOTO = "lfw-dev/images/Colin_Powell/Colin_Powell_0001.jpg";

  private ImageBombs() {}

  public static boolean cwebpInstalled() {
    return Files.isExecutable(Path.of("/usr/bin/cwebp"));
  }

  /** {@code cwebp -lossless} of {@link #PHOTO} (needs cwebp). */
  public static byte[] losslessWebp() throws IOException, InterruptedException {
    Path out = Files.createTempFile("bomb", ".webp");
    try {
      Process p =
          new ProcessBuilder(
                  "/usr/bin/cwebp",
                  "-quiet",
                  "-lossless",
                  TestData.file(PHOTO).toString(),
                  "-o",
                  out.toString())
              .redirectErrorStream(true)
              .start();
      String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IOException("cwebp failed: " + log);
      }
      return Files.readAllBytes(out);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** The first {@code bytes} bytes of {@link #losslessWebp()} (the attack: 138 and 146). */
  public static byte[] truncatedLosslessWebp(int bytes) throws IOException, InterruptedException {
    return Arrays.copyOf(losslessWebp(), bytes);
  }

  /**
   * A truncated lossless WebP whose RIFF and VP8L sizes were rewritten to match the bytes present, so only a bound
   * on the decoder's reads can stop it.
   */
  public static byte[] truncatedLosslessWebpWithConsistentSizes(int bytes)
      throws IOException, InterruptedException {
    ByteBuffer b = ByteBuffer.wrap(truncatedLosslessWebp(bytes)).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(4, bytes - 8);
    b.putInt(16, bytes - 20);
    return b.array();
  }

  /** {@link #PHOTO} with an APP2 ICC_PROFILE chunk whose profile header declares {@code declared} bytes. */
  public static byte[] jpegWithIccDeclaring(long declared) {
    return jpegWithSegment(
        0xE2,
        concat(
            "ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1),
            new byte[] {1, 1},
            iccHeader(declared, 132)));
  }

  /** {@link #PHOTO} with the JDK's real sRGB profile embedded: must decode as before. */
  public static byte[] jpegWithRealIcc() {
    byte[] profile = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
    return jpegWithSegment(
        0xE2,
        concat("ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1), new byte[] {1, 1}, profile));
  }

  /** An extended WebP (VP8X, ICCP, then the image) whose ICCP profile declares {@code declared} bytes. */
  public static byte[] webpWithIccDeclaring(byte[] simpleWebp, long declared) {
    byte[] image = Arrays.copyOfRange(simpleWebp, 12, simpleWebp.length); // the VP8/VP8L chunk
    int width = 250;
    int height = 250;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] vp8x = new byte[10];
    vp8x[0] = 0x20; // ICC flag
    put24(vp8x, 4, width - 1);
    put24(vp8x, 7, height - 1);
    byte[] icc = iccHeader(declared, 132);
    byte[] body =
        concat(
            "WEBP".getBytes(StandardCharsets.ISO_8859_1),
            chunk("VP8X", vp8x),
            chunk("ICCP", icc),
            image);
    out.writeBytes("RIFF".getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(le32(body.length));
    out.writeBytes(body);
    return out.toByteArray();
  }

  /** {@link #PHOTO} with an EXIF IFD entry declaring {@code count} LONG values beyond the segment. */
  public static byte[] jpegWithExifCount(int count) {
    byte[] tiff = {
      'M',
      'M',
      0,
      42,
      0,
      0,
      0,
      8,
      0,
      1,
      0x01,
      0x0E,
      0,
      4,
      (byte) (count >>> 24),
      (byte) (count >>> 16),
      (byte) (count >>> 8),
      (byte) count,
      0,
      0,
      0,
      26,
      0,
      0,
      0,
      0
    };
    return jpegWithSegment(0xE1, concat("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), tiff));
  }

  /** {@link #PHOTO} with an APP13 Photoshop resource declaring {@code size} bytes. */
  public static byte[] jpegWithPhotoshopResource(long size) {
    byte[] header =
        concat(
            "Photoshop 3.0\0".getBytes(StandardCharsets.ISO_8859_1),
            "8BIM".getBytes(StandardCharsets.ISO_8859_1),
            new byte[] {0x04, 0x04, 0, 0},
            be32(size),
            new byte[16]);
    return jpegWithSegment(0xED, header);
  }

  /** {@link #PHOTO} with an APP1 XMP packet whose xpacket header claims a huge extension. */
  public static byte[] jpegWithXmpExtension(long size) {
    byte[] ext =
        concat(
            "http://ns.adobe.com/xmp/extension/\0".getBytes(StandardCharsets.ISO_8859_1),
            "0123456789ABCDEF0123456789ABCDEF".getBytes(StandardCharsets.ISO_8859_1),
            be32(size),
            be32(0),
            "<x:xmpmeta/>".getBytes(StandardCharsets.ISO_8859_1));
    return jpegWithSegment(0xE1, ext);
  }

  /** An 8x8 grey TIFF with one extra tag declaring {@code count} bytes beyond the file. */
  public static byte[] tiffWithTagCount(int count) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    int n = 9;
    o.writeBytes(new byte[] {'M', 'M', 0, 42, 0, 0, 0, 8, 0, (byte) n});
    int dataOffset = 8 + 2 + n * 12 + 4;
    int[][] entries = {
      {256, 3, 1, 8 << 16},
      {257, 3, 1, 8 << 16},
      {258, 3, 1, 8 << 16},
      {259, 3, 1, 1 << 16},
      {262, 3, 1, 1 << 16},
      {273, 4, 1, dataOffset},
      {277, 3, 1, 1 << 16},
      {279, 4, 1, 64},
      {700, 1, count, 200}
    };
    for (int[] e : entries) {
      o.writeBytes(new byte[] {(byte) (e[0] >> 8), (byte) e[0], (byte) (e[1] >> 8), (byte) e[1]});
      o.writeBytes(be32(e[2] & 0xffffffffL));
      o.writeBytes(be32(e[3] & 0xffffffffL));
    }
    o.writeBytes(new byte[4]);
    o.writeBytes(new byte[64]);
    return o.toByteArray();
  }

  private static byte[] jpegWithSegment(int marker, byte[] payload) {
    byte[] photo = TestData.bytes(PHOTO);
    int length = payload.length + 2;
    byte[] segment =
        concat(
            new byte[] {(byte) 0xFF, (byte) marker, (byte) (length >> 8), (byte) length}, payload);
    return concat(Arrays.copyOf(photo, 2), segment, Arrays.copyOfRange(photo, 2, photo.length));
  }

  private static byte[] iccHeader(long declared, int length) {
    byte[] h = new byte[length];
    System.arraycopy(be32(declared), 0, h, 0, 4);
    System.arraycopy("mntrRGB XYZ ".getBytes(StandardCharsets.ISO_8859_1), 0, h, 12, 12);
    System.arraycopy("acsp".getBytes(StandardCharsets.ISO_8859_1), 0, h, 36, 4);
    return h;
  }

  private static byte[] chunk(String fourCc, byte[] payload) {
    byte[] pad = (payload.length & 1) == 1 ? new byte[1] : new byte[0];
    return concat(fourCc.getBytes(StandardCharsets.ISO_8859_1), le32(payload.length), payload, pad);
  }

  private static void put24(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >> 8);
    b[at + 2] = (byte) (v >> 16);
  }

  private static byte[] le32(long v) {
    return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
  }

  private static byte[] be32(long v) {
    return new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v};
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
