package io.facesearch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StoredTimeTest {

  @Test
  void encodesUtcWithSixFractionDigitsWhateverTheFraction() {
    assertEquals(
        "2026-12-06T07:09:26.000000Z", StoredTime.encode(Instant.parse("2026-12-06T07:09:26Z")));
    assertEquals(
        "2026-12-06T07:09:26.100000Z", StoredTime.encode(Instant.parse("2026-12-06T07:09:26.1Z")));
    assertEquals(
        "2026-12-06T07:09:26.123456Z",
        StoredTime.encode(Instant.parse("2026-12-06T07:09:26.123456789Z")));
    assertEquals(
        "0001-01-01T00:00:00.000000Z", StoredTime.encode(Instant.parse("0001-01-01T00:00:00Z")));
  }

  @Test
  void decodesItsOwnFormAndTheFormWrittenBeforeV10() {
    Instant t = Instant.parse("2026-12-06T07:09:26.123456Z");
    assertEquals(t, StoredTime.decode(StoredTime.encode(t)));
    assertEquals(Instant.parse("2026-12-06T07:09:26Z"), StoredTime.decode("2026-12-06T07:09:26Z"));
    assertThrows(StoreException.class, () -> StoredTime.decode("yesterday"));
    assertThrows(
        IllegalArgumentException.class,
        () -> StoredTime.encode(Instant.parse("+10000-01-01T00:00:00Z")));
  }

  @Test
  void instantToStringTextOrderIsNotTimeOrderButStoredTimeIs() {
    Instant earlier = Instant.parse("2026-12-06T07:09:26Z");
    Instant later = Instant.parse("2026-12-06T07:09:26.500Z");
    assertTrue(earlier.toString().compareTo(later.toString()) > 0, "the reason for the codec");
    assertTrue(StoredTime.encode(earlier).compareTo(StoredTime.encode(later)) < 0);
  }

  @Test
  void textOrderIsTimeOrderForRandomTimes() {
    long seed = System.nanoTime();
    System.out.println("StoredTimeTest seed " + seed);
    Random random = new Random(seed);
    List<Instant> times = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      long base = 1_700_000_000L + random.nextInt(3) * (long) random.nextInt(1_000_000);
      // coarse fractions too: whole seconds and milliseconds are where Instant.toString() changes
      // its width
      int nanos =
          switch (random.nextInt(3)) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            default -> random.nextInt(1_000_000) * 1000;
          };
      times.add(Instant.ofEpochSecond(base, nanos));
    }
    List<String> byText = times.stream().map(StoredTime::encode).sorted().toList();
    List<String> byTime =
        times.stream().sorted(Comparator.naturalOrder()).map(StoredTime::encode).toList();
    assertEquals(byTime, byText, "seed " + seed);
    assertTrue(byText.stream().allMatch(s -> s.length() == StoredTime.WIDTH), "seed " + seed);
  }
}
