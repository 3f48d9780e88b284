package io.facesearch.image;

import java.nio.charset.StandardCharsets;

/**
 * Checks an upload's container structure against the bytes actually present, before any image library sees it.
 *
 * <p>Image libraries trust declared sizes: TwelveMonkeys allocates an embedded ICC profile at the size its header
 * declares (a 8 KB JPEG declaring 2 GB took the JVM to an {@code OutOfMemoryError}), and its lossless WebP decoder
 * spins for minutes on a file cut short. So every declared size on the paths the decoders follow is checked
 * here, in one linear pass with no allocation beyond a few counters:
 *
 * <ul>
 *   <li>JPEG: every marker segment before the scan fits in the file; APP2 {@code ICC_PROFILE} chunks are
 *   numbered consistently and the profile's declared size is at most the bytes of its chunks.</li>
 *   <li>WebP: the RIFF size is no more than the file, every chunk fits in it, {@code ICCP} holds a profile no
 *   larger than the chunk.</li>
 *   <li>PNG: every chunk fits in the file (the JDK reader skips iCCP and compressed text when
 *   metadata is ignored, as {@link ImageDecoder} asks).</li>
 *   <li>TIFF: every IFD entry's values lie inside the file, IFD chains are finite and loop-free.</li>
 * </ul>
 *
 * <p>EXIF, XMP and Photoshop blocks inside JPEG and WebP are not followed by the readers when metadata is ignored
 * (measured: a 1 G-entry EXIF tag or a 2 GB Photoshop resource in a JPEG decodes in under 10 ms allocating
 * nothing extra), and {@link ExifOrientation} reads EXIF with bounds checks; so those are left alone rather than
 * refusing real photos whose camera wrote a sloppy maker note.
 *
 * A failure is {@link ImageRejectedException.Reason#CORRUPT} with a short, data-free detail.
 */
final class ContainerCheck {

  /** Largest embedded ICC profile accepted: real ones are a few KB, camera ones up to about 1 MB. */
  static final int MAX_ICC_BYTES = 4 * 1024 * 1024;

  private static final int MAX_IFDS = 64;
  private static final int MAX_IFD_ENTRIES = 4096;

  private ContainerCheck() {}

  static void check(byte[] data, ImageFormat format) throws ImageRejectedException {
    switch (format) {
      case JPEG -> jpeg(data);
      case WEBP -> webp(data);
      case PNG -> png(data);
      case TIFF -> tiff(data, 0, data.length, "TIFF");
    }
  }

  private static ImageRejectedException corrupt(String detail) {
    return new ImageRejectedException(ImageRejectedException.Reason.CORRUPT, detail);
  }

  // ---- JPEG
  // ------------------------------------------------------------------------------------------------------

  private static void jpeg(byte[] d) throws ImageRejectedException {
    int p = 2; // after SOI
    long iccBytes = 0;
    long iccDeclared = -1;
    int iccChunks = -1;
    int iccSeen = 0;
    while (true) {
      if (p + 4 > d.length) {
        throw corrupt("JPEG ends inside its headers");
      }
      if ((d[p] & 0xff) != 0xFF) {
        throw corrupt("JPEG marker expected");
      }
      int marker = d[p + 1] & 0xff;
      if (marker == 0xFF) { // fill byte
        p++;
        continue;
      }
      if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) { // no length
        p += 2;
        continue;
      }
      if (marker == 0xD9) {
        throw corrupt("JPEG ends before its image data");
      }
      int length = u16be(d, p + 2);
      if (length < 2 || p + 2 + length > d.length) {
        throw corrupt("JPEG segment larger than the file");
      }
      int payload = p + 4;
      int payloadEnd = p + 2 + length;
      if (marker == 0xE2 && startsWith(d, payload, payloadEnd, "ICC_PROFILE\0")) {
        int at = payload + 12;
        if (at + 2 > payloadEnd) {
          throw corrupt("JPEG ICC chunk header");
        }
        int seq = d[at] & 0xff;
        int count = d[at + 1] & 0xff;
        if (count == 0 || seq == 0 || seq > count || (iccChunks >= 0 && count != iccChunks)) {
          throw corrupt("JPEG ICC chunk numbering");
        }
        iccChunks = count;
        iccSeen++;
        if (iccSeen > count) {
          throw corrupt("JPEG ICC chunk numbering");
        }
        int start = at + 2;
        if (seq == 1) {
          if (start + 128 > payloadEnd) {
            throw corrupt("JPEG ICC profile header");
          }
          iccDeclared = u32be(d, start);
        }
        iccBytes += payloadEnd - start;
      }
      if (marker
          == 0xDA) { // start of scan: the entropy-coded data follows; its damage is the decoder's
        // to see
        break;
      }
      p = payloadEnd;
    }
    if (iccChunks >= 0) {
      if (iccDeclared < 0 || iccSeen != iccChunks) {
        throw corrupt("JPEG ICC profile incomplete");
      }
      checkIccSize(iccDeclared, iccBytes);
    }
  }

  private static void checkIccSize(long declared, long present) throws ImageRejectedException {
    if (declared < 128 || declared > present || declared > MAX_ICC_BYTES) {
      throw corrupt(
          "embedded colour profile declares " + declared + " bytes, " + present + " present");
    }
  }

  // ---- WebP
  // ------------------------------------------------------------------------------------------------------

  private static void webp(byte[] d) throws ImageRejectedException {
    long riffSize = u32le(d, 4);
    if (riffSize < 4 || 8 + riffSize > d.length) {
      throw corrupt("WebP shorter than its declared size");
    }
    int end = (int) (8 + riffSize);
    int p = 12;
    boolean image = false;
    while (p < end) {
      if (p + 8 > end) {
        throw corrupt("WebP chunk header cut");
      }
      long size = u32le(d, p + 4);
      if (size > end - p - 8) {
        throw corrupt("WebP chunk larger than the file");
      }
      int payload = p + 8;
      int payloadEnd = payload + (int) size;
      if (is(d, p, "ICCP")) {
        if (size < 128) {
          throw corrupt("WebP ICC profile header");
        }
        checkIccSize(u32be(d, payload), size);
      } else if (is(d, p, "VP8L") || is(d, p, "VP8 ") || is(d, p, "ANMF")) {
        image = true;
      }
      p = payloadEnd + (int) (size & 1);
    }
    if (!image) {
      throw corrupt("WebP without image data");
    }
  }

  // ---- PNG
  // -------------------------------------------------------------------------------------------------------

  private static void png(byte[] d) throws ImageRejectedException {
    int p = 8;
    while (p < d.length) { // a file ending on a chunk boundary is the decoder's to judge
      if (p + 12 > d.length) {
        throw corrupt("PNG chunk header cut");
      }
      long length = u32be(d, p);
      if (length > d.length - p - 12) {
        throw corrupt("PNG chunk larger than the file");
      }
      if (is(d, p + 4, "IEND")) {
        return;
      }
      p += 12 + (int) length;
    }
  }

  // ---- TIFF
  // ------------------------------------------------------------------------------------------------------

  /** A TIFF structure at {@code base} (offsets are relative to it) ending before {@code end}. */
  private static void tiff(byte[] d, int base, int end, String what) throws ImageRejectedException {
    if (base + 8 > end) {
      throw corrupt(what + " header cut");
    }
    boolean little;
    if (d[base] == 'I' && d[base + 1] == 'I') {
      little = true;
    } else if (d[base] == 'M' && d[base + 1] == 'M') {
      little = false;
    } else {
      throw corrupt(what + " byte order");
    }
    int magic = u16(d, base + 2, little);
    if (magic == 43) {
      throw corrupt("BigTIFF is not supported");
    }
    long length = end - base;
    long ifd = u32(d, base + 4, little);
    java.util.BitSet visited = new java.util.BitSet();
    int ifds = 0;
    // IFD0 chain, plus the EXIF and GPS sub-IFDs the readers follow.
    long[] pending = new long[MAX_IFDS];
    int pendingCount = 0;
    pending[pendingCount++] = ifd;
    while (pendingCount > 0) {
      long at = pending[--pendingCount];
      while (at != 0) {
        if (++ifds > MAX_IFDS) {
          throw corrupt(what + " has too many directories");
        }
        if (at < 8 || at + 2 > length || (at & 0xffffffffL) != at) {
          throw corrupt(what + " directory outside the file");
        }
        int ifdPos = base + (int) at;
        if (visited.get((int) at)) {
          throw corrupt(what + " directory loop");
        }
        visited.set((int) at);
        int entries = u16(d, ifdPos, little);
        if (entries > MAX_IFD_ENTRIES || at + 2 + 12L * entries + 4 > length) {
          throw corrupt(what + " directory larger than the file");
        }
        for (int i = 0; i < entries; i++) {
          int e = ifdPos + 2 + i * 12;
          int tag = u16(d, e, little);
          int type = u16(d, e + 2, little);
          long count = u32(d, e + 4, little);
          int unit = typeSize(type);
          if (unit == 0) {
            continue; // unknown types are skipped by the readers
          }
          long bytes = count * unit;
          if (bytes > 4) {
            long offset = u32(d, e + 8, little);
            if (bytes > length || offset > length - bytes) {
              throw corrupt(what + " tag " + tag + " declares values beyond the file");
            }
          }
          if ((tag == 0x8769 || tag == 0x8825 || tag == 0xA005)
              && count == 1
              && pendingCount < MAX_IFDS) {
            pending[pendingCount++] = u32(d, e + 8, little); // EXIF, GPS, interoperability sub-IFDs
          }
        }
        at = u32(d, ifdPos + 2 + 12 * entries, little);
      }
    }
  }

  private static int typeSize(int type) {
    return switch (type) {
      case 1, 2, 6, 7 -> 1; // BYTE, ASCII, SBYTE, UNDEFINED
      case 3, 8 -> 2; // SHORT, SSHORT
      case 4, 9, 11, 13 -> 4; // LONG, SLONG, FLOAT, IFD
      case 5, 10, 12 -> 8; // RATIONAL, SRATIONAL, DOUBLE
      case 16, 17, 18 -> 8; // LONG8, SLONG8, IFD8
      default -> 0;
    };
  }

  // ---- bytes
  // -----------------------------------------------------------------------------------------------------

  private static boolean is(byte[] d, int p, String fourCc) {
    return p + 4 <= d.length
        && d[p] == fourCc.charAt(0)
        && d[p + 1] == fourCc.charAt(1)
        && d[p + 2] == fourCc.charAt(2)
        && d[p + 3] == fourCc.charAt(3);
  }

  private static boolean startsWith(byte[] d, int p, int end, String prefix) {
    byte[] b = prefix.getBytes(StandardCharsets.ISO_8859_1);
    if (p + b.length > end) {
      return false;
    }
    for (int i = 0; i < b.length; i++) {
      if (d[p + i] != b[i]) {
        return false;
      }
    }
    return true;
  }

  private static int u16be(byte[] d, int p) {
    return (d[p] & 0xff) << 8 | (d[p + 1] & 0xff);
  }

  private static long u32be(byte[] d, int p) {
    return ((long) (d[p] & 0xff) << 24)
        | (d[p + 1] & 0xff) << 16
        | (d[p + 2] & 0xff) << 8
        | (d[p + 3] & 0xff);
  }

  private static long u32le(byte[] d, int p) {
    return ((long) (d[p + 3] & 0xff) << 24)
        | (d[p + 2] & 0xff) << 16
        | (d[p + 1] & 0xff) << 8
        | (d[p] & 0xff);
  }

  private static int u16(byte[] d, int p, boolean little) {
    return little ? (d[p] & 0xff) | (d[p + 1] & 0xff) << 8 : u16be(d, p);
  }

  private static long u32(byte[] d, int p, boolean little) {
    return little ? u32le(d, p) : u32be(d, p);
  }
}
