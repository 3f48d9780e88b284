package io.facesearch.store;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * The one stored form of a point in time, used by every repository for every time column: UTC, fixed width,
 * microseconds, e.g. {@code 2026-12-06T07:09:26.123456Z} (27 characters).
 *
 * <p>Because every value has the same width and the same fields in the same places, the text order of two stored
 * values is their order in time, so SQL can compare and sort time columns as text ({@code created_at < ?},
 * {@code ORDER BY created_at}) and an index on a time column is an index in time order. This is why the codec is
 * not {@link Instant#toString()}: it drops zero fractions and chooses the number of fraction digits per value
 * ({@code ...:26Z}, {@code ...:26.100Z}, {@code ...:26.123456789Z}), and {@code '26Z'} sorts after {@code '26.5Z'}
 * although it is earlier. Microseconds are the finest unit that SQLite's own clock, PostgreSQL's
 * {@code timestamptz} and the JDK's clock on Linux share; anything finer is cut off (truncated, not rounded, so
 * that a stored time is never later than the event).
 *
 * <p>{@link #decode} reads the stored form and, for data written before migration V10 rewrote every time column,
 * any ISO-8601 instant.
 */
public final class StoredTime {

  /** The width of every encoded value. */
  public static final int WIDTH = 27;

  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private static final Instant FIRST = Instant.parse("0000-01-01T00:00:00Z");
  private static final Instant LAST = Instant.parse("9999-12-31T23:59:59.999999Z");

  private StoredTime() {}

  /** The stored form of {@code time}, cut to microseconds; fails for years outside 0000-9999. */
  public static String encode(Instant time) {
    if (time.isBefore(FIRST) || time.isAfter(LAST)) {
      throw new IllegalArgumentException("time out of the storable range: " + time);
    }
    return FORMAT.format(time.truncatedTo(ChronoUnit.MICROS));
  }

  /** The stored form of {@code time}, or null for null (an optional column). */
  public static String encodeNullable(Instant time) {
    return time == null ? null : encode(time);
  }

  /** The instant a stored value stands for; fails with a clear message on anything that is not a time. */
  public static Instant decode(String stored) {
    try {
      return Instant.parse(stored);
    } catch (DateTimeParseException e) {
      throw new StoreException("not a stored time: '" + stored + "'", e);
    }
  }

  /** The instant a stored value stands for, or null for null (an optional column). */
  public static Instant decodeNullable(String stored) {
    return stored == null ? null : decode(stored);
  }
}
