package io.facesearch.image;

/** The accepted upload formats, recognised by their leading bytes (never by file name or content type). */
public enum ImageFormat {
  JPEG,
  PNG,
  WEBP,
  TIFF;

  /** The format of {@code data}, or {@code null} when it is none of the accepted ones (GIF, PDF, text...). */
  public static ImageFormat sniff(byte[] data) {
    if (data.length >= 3
        && (data[0] & 0xff) == 0xFF
        && (data[1] & 0xff) == 0xD8
        && (data[2] & 0xff) == 0xFF) {
      return JPEG;
    }
    if (data.length >= 8
        && (data[0] & 0xff) == 0x89
        && data[1] == 'P'
        && data[2] == 'N'
        && data[3] == 'G'
        && data[4] == 0x0D
        && data[5] == 0x0A
        && data[6] == 0x1A
        && data[7] == 0x0A) {
      return PNG;
    }
    if (data.length >= 12
        && data[0] == 'R'
        && data[1] == 'I'
        && data[2] == 'F'
        && data[3] == 'F'
        && data[8] == 'W'
        && data[9] == 'E'
        && data[10] == 'B'
        && data[11] == 'P') {
      return WEBP;
    }
    if (data.length >= 4
        && ((data[0] == 'I' && data[1] == 'I' && data[2] == 42 && data[3] == 0)
            || (data[0] == 'M' && data[1] == 'M' && data[2] == 0 && data[3] == 42))) {
      return TIFF;
    }
    return null;
  }
}
