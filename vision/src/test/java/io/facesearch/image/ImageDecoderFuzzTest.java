package io.facesearch.image;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;

/**
 * Coverage-guided fuzzing of the image decoder with Jazzer: any input is decoded or refused with an
 * {@link ImageRejectedException}, never another exception, and never slower than the decode deadline.
 *
 * <p>In the ordinary build this runs in Jazzer's regression mode (the seeds under
 * {@code src/test/resources/io/facesearch/image/ImageDecoderFuzzTestInputs/}); the build's {@code fuzz-decoder}
 * execution runs it in fuzzing mode ({@code JAZZER_FUZZ=1}) for the duration below.
 */
class ImageDecoderFuzzTest {

  private static final Duration DEADLINE = Duration.ofSeconds(2);
  private static final ImageDecoder DECODER =
      new ImageDecoder(ImageDecoder.DEFAULT_MAX_BYTES, 4_000_000L, DEADLINE);

  @FuzzTest(maxDuration = "60s")
  @DictionaryEntries({
    "RIFF",
    "WEBP",
    "VP8L",
    "VP8 ",
    "VP8X",
    "ICCP",
    "EXIF",
    "ALPH",
    "ANMF",
    "IHDR",
    "IDAT",
    "IEND",
    "iCCP",
    "eXIf",
    "ICC_PROFILE",
    "Exif",
    "II*",
    "MM",
    "acsp",
    "mntr"
  }) // ASCII only: libFuzzer's dictionary syntax
  void every_input_is_decoded_or_refused_in_time(byte[] data) {
    long t0 = System.nanoTime();
    try {
      BgrImage image = DECODER.decode(data);
      assertTrue(image.width() > 0 && image.height() > 0);
    } catch (ImageRejectedException refused) {
      // the expected answer to a malformed file
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms < DEADLINE.toMillis() + 3000, "decode took " + ms + " ms");
  }
}
