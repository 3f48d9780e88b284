package io.facesearch.image;

/**
 * Reads the EXIF Orientation tag (0x0112 in IFD0) from JPEG (APP1 "Exif"), WebP ("EXIF" chunk) and TIFF files.
 *
 * <p>A small, bounds-checked reader of the TIFF structure: anything malformed yields {@link Orientation#NORMAL},
 * because a broken EXIF block must not make an otherwise good photo fail.
 */
final class ExifOrientation {

  private static final int ORIENTATION_TAG = 0x0112;

  private ExifOrientation() {}

  static Orientation read(byte[] data, ImageFormat format) {
    try {
      return switch (format) {
        case JPEG -> fromJpeg(data);
        case WEBP -> fromWebp(data);
        case TIFF -> fromTiff(data, 0, data.length);
        case PNG -> fromPng(data);
      };
    } catch (IndexOutOfBoundsException malformed) {
      return Orientation.NORMAL;
    }
  }

  private static Orientation fromJpeg(byte[] d) {
    int p = 2; // after SOI
    while (p + 4 <= d.length && (d[p] & 0xff) == 0xFF) {
      int marker = d[p + 1] & 0xff;
      if (marker == 0xD9 || marker == 0xDA) {
        break; // end of image or start of scan: no more metadata
      }
      int length = ((d[p + 2] & 0xff) << 8) | (d[p + 3] & 0xff);
      int payload = p + 4;
      if (marker == 0xE1
          && length >= 8
          && d[payload] == 'E'
          && d[payload + 1] == 'x'
          && d[payload + 2] == 'i'
          && d[payload + 3] == 'f'
          && d[payload + 4] == 0
          && d[payload + 5] == 0) {
        return fromTiff(d, payload + 6, Math.min(d.length, p + 2 + length));
      }
      p += 2 + length;
    }
    return Orientation.NORMAL;
  }

  private static Orientation fromWebp(byte[] d) {
    int p = 12;
    while (p + 8 <= d.length) {
      int size =
          (d[p + 4] & 0xff)
              | (d[p + 5] & 0xff) << 8
              | (d[p + 6] & 0xff) << 16
              | (d[p + 7] & 0xff) << 24;
      if (d[p] == 'E' && d[p + 1] == 'X' && d[p + 2] == 'I' && d[p + 3] == 'F') {
        int start = p + 8;
        // Some writers keep the JPEG "Exif\0\0" prefix inside the chunk.
        if (d[start] == 'E' && d[start + 1] == 'x' && d[start + 2] == 'i' && d[start + 3] == 'f') {
          start += 6;
        }
        return fromTiff(d, start, Math.min(d.length, p + 8 + size));
      }
      if (size < 0) {
        break;
      }
      p += 8 + size + (size & 1);
    }
    return Orientation.NORMAL;
  }

  private static Orientation fromPng(byte[] d) {
    int p = 8;
    while (p + 8 <= d.length) {
      int size =
          (d[p] & 0xff) << 24
              | (d[p + 1] & 0xff) << 16
              | (d[p + 2] & 0xff) << 8
              | (d[p + 3] & 0xff);
      if (d[p + 4] == 'e' && d[p + 5] == 'X' && d[p + 6] == 'I' && d[p + 7] == 'f') {
        return fromTiff(d, p + 8, Math.min(d.length, p + 8 + size));
      }
      if (d[p + 4] == 'I' && d[p + 5] == 'D' && d[p + 6] == 'A' && d[p + 7] == 'T' || size < 0) {
        break;
      }
      p += 12 + size;
    }
    return Orientation.NORMAL;
  }

  /** Reads IFD0 of the TIFF structure that starts at {@code base} and ends before {@code end}. */
  private static Orientation fromTiff(byte[] d, int base, int end) {
    if (base + 8 > end) {
      return Orientation.NORMAL;
    }
    boolean little = d[base] == 'I';
    int ifd = base + u32(d, base + 4, little);
    if (ifd < base || ifd + 2 > end) {
      return Orientation.NORMAL;
    }
    int entries = u16(d, ifd, little);
    for (int i = 0; i < entries; i++) {
      int e = ifd + 2 + i * 12;
      if (e + 12 > end) {
        break;
      }
      if (u16(d, e, little) == ORIENTATION_TAG) {
        return Orientation.fromExif(u16(d, e + 8, little));
      }
    }
    return Orientation.NORMAL;
  }

  private static int u16(byte[] d, int p, boolean little) {
    return little ? (d[p] & 0xff) | (d[p + 1] & 0xff) << 8 : (d[p] & 0xff) << 8 | (d[p + 1] & 0xff);
  }

  private static int u32(byte[] d, int p, boolean little) {
    return little
        ? (d[p] & 0xff) | (d[p + 1] & 0xff) << 8 | (d[p + 2] & 0xff) << 16 | (d[p + 3] & 0xff) << 24
        : (d[p] & 0xff) << 24
            | (d[p + 1] & 0xff) << 16
            | (d[p + 2] & 0xff) << 8
            | (d[p + 3] & 0xff);
  }
}
