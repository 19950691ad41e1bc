package dev.keycast.cli.internal;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * Parses a point in the past as users write it for {@code --since} and {@code --before}: a date
 * ({@code 2026-01-31}, midnight UTC), a date and time ({@code 2026-01-31T12:00}, UTC, or with an
 * offset or {@code Z}), or a duration ago as {@link Durations} reads it ({@code 90d}, {@code 12h}).
 * Stateless and thread-safe.
 */
public final class PastInstants {
  private PastInstants() {}

  /**
   * Parses a point in the past: a UTC date, a date-time, or a duration meaning that long before
   * {@code now}.
   *
   * @param text the date, date-time or duration
   * @param now the current time, subtracted from for a duration
   * @return the instant
   * @throws IllegalArgumentException if the text is none of these (the message gives examples)
   */
  public static Instant parse(String text, Instant now) {
    String t = text.strip().toUpperCase(Locale.ROOT);
    if (t.matches("\\d{4}-\\d{2}-\\d{2}.*")) {
      try {
        if (t.length() == 10) {
          return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        return t.endsWith("Z") || t.matches(".*[+-]\\d\\d:\\d\\d$")
            ? OffsetDateTime.parse(t).toInstant()
            : LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
      } catch (DateTimeException e) {
        throw new IllegalArgumentException(invalid(text), e);
      }
    }
    try {
      return now.minus(Durations.parse(t));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(invalid(text), e);
    }
  }

  private static String invalid(String text) {
    return "not a date or duration: '"
        + text
        + "' (use e.g. 2026-01-31, 2026-01-31T12:00Z, or 90d, 12h for that"
        + " long ago)";
  }
}
