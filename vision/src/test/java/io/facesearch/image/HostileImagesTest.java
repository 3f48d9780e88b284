package io.facesearch.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.facesearch.pipeline.TestData;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Issue 20, findings 1 and 2: no image can keep a thread busy or make the decoder allocate for bytes not there. */
class HostileImagesTest {

  private static final long MAX_ALLOCATED = 100L << 20;
  private final ImageDecoder decoder = new ImageDecoder();

  @Test
  void truncated_lossless_webp_is_refused_within_a_second() throws Exception {
    assumeTrue(ImageBombs.cwebpInstalled(), "cwebp not installed");
    for (int cut : new int[] {138, 146}) {
      byte[] webp = ImageBombs.truncatedLosslessWebp(cut);
      assertTimeoutPreemptively(Duration.ofSeconds(1), () -> assertCorrupt(webp, cut + " bytes"));
    }
  }

  @Test
  void truncated_webp_with_consistent_sizes_is_stopped_by_the_read_budget() throws Exception {
    assumeTrue(ImageBombs.cwebpInstalled(), "cwebp not installed");
    for (int cut : new int[] {138, 146, 400}) {
      byte[] webp = ImageBombs.truncatedLosslessWebpWithConsistentSizes(cut);
      assertTimeoutPreemptively(
          Duration.ofSeconds(1), () -> assertCorrupt(webp, cut + " bytes, sizes patched"));
    }
  }

  @Test
  void a_decode_past_its_deadline_is_abandoned() throws Exception {
    assumeTrue(ImageBombs.cwebpInstalled(), "cwebp not installed");
    byte[] webp = ImageBombs.losslessWebp();
    ImageDecoder noTime =
        new ImageDecoder(
            ImageDecoder.DEFAULT_MAX_BYTES, ImageDecoder.DEFAULT_MAX_PIXELS, Duration.ZERO);
    ImageRejectedException e =
        assertThrows(ImageRejectedException.class, () -> noTime.decode(webp));
    assertEquals(ImageRejectedException.Reason.CORRUPT, e.reason());
    assertEquals(
        250, decoder.decode(webp).width(), "the same file decodes with the default deadline");
  }

  @Test
  void icc_profiles_declaring_more_than_present_are_refused_without_allocating() throws Throwable {
    for (long declared : new long[] {0x7FFFFFFFL, 0x70000000L, 0xFFFFFFFFL, 10_000}) {
      assertAllocatesLittle(
          () -> assertCorrupt(ImageBombs.jpegWithIccDeclaring(declared), "JPEG ICC " + declared));
    }
    assumeTrue(ImageBombs.cwebpInstalled(), "cwebp not installed");
    byte[] webp = ImageBombs.losslessWebp();
    for (long declared : new long[] {0x7FFFFFFFL, 0x70000000L}) {
      assertAllocatesLittle(
          () ->
              assertCorrupt(
                  ImageBombs.webpWithIccDeclaring(webp, declared), "WebP ICCP " + declared));
    }
  }

  @Test
  void an_honest_icc_profile_still_decodes() throws Exception {
    BgrImage plain = decoder.decode(TestData.bytes(ImageBombs.PHOTO));
    BgrImage withProfile = decoder.decode(ImageBombs.jpegWithRealIcc());
    ImageDecoderTest.assertSamePixels(plain, withProfile, 2.0, "sRGB profile embedded");
  }

  @Test
  void metadata_blocks_declaring_huge_sizes_cost_nothing() throws Throwable {
    // The readers do not follow EXIF, XMP or Photoshop blocks of a JPEG when metadata is ignored: a
    // correct decode.
    for (byte[] jpeg :
        new byte[][] {
          ImageBombs.jpegWithExifCount(0x3FFFFFFF),
          ImageBombs.jpegWithExifCount(-1),
          ImageBombs.jpegWithPhotoshopResource(0x7FFFFFF0L),
          ImageBombs.jpegWithXmpExtension(0x7FFFFFF0L)
        }) {
      assertAllocatesLittle(() -> assertEquals(250, decoder.decode(jpeg).width()));
    }
    // A TIFF's own tags are followed: values declared beyond the file are refused before the reader
    // sees them.
    for (int count : new int[] {0x3FFFFFFF, 0x7FFFFFFF, -1, 100_000}) {
      assertAllocatesLittle(
          () -> assertCorrupt(ImageBombs.tiffWithTagCount(count), "TIFF tag count " + count));
    }
  }

  private void assertCorrupt(byte[] data, String what) {
    ImageRejectedException e =
        assertThrows(ImageRejectedException.class, () -> decoder.decode(data), what);
    assertEquals(ImageRejectedException.Reason.CORRUPT, e.reason(), what + ": " + e.getMessage());
  }

  private static void assertAllocatesLittle(Executable work) throws Throwable {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    assertTimeoutPreemptively(
        Duration.ofSeconds(1), work::execute); // runs on another thread: measure both
    work.execute();
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertTrue(allocated < MAX_ALLOCATED, "allocated " + (allocated >> 20) + " MB");
  }
}
