package dev.keycast.queue.internal;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Argument checks shared by the configuration records: each failure names the field. */
public final class Checks {
  private Checks() {}

  /**
   * Requires {@code min <= value <= max}.
   *
   * @param field the field's name
   * @param value the value
   * @param min the smallest allowed value
   * @param max the largest allowed value
   * @return {@code value}
   * @throws IllegalArgumentException naming the field if out of range
   */
  public static int inRange(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          field + " must be in [" + min + ", " + max + "], was " + value);
    }
    return value;
  }

  /**
   * Requires a positive duration.
   *
   * @param field the field's name
   * @param value the value
   * @return {@code value}
   * @throws NullPointerException naming the field if null
   * @throws IllegalArgumentException naming the field if zero or negative
   */
  public static Duration positive(String field, @Nullable Duration value) {
    Objects.requireNonNull(value, field);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(field + " must be positive, was " + value);
    }
    return value;
  }

  /**
   * Requires a non-negative duration.
   *
   * @param field the field's name
   * @param value the value
   * @return {@code value}
   * @throws NullPointerException naming the field if null
   * @throws IllegalArgumentException naming the field if negative
   */
  public static Duration nonNegative(String field, @Nullable Duration value) {
    Objects.requireNonNull(value, field);
    if (value.isNegative()) {
      throw new IllegalArgumentException(field + " must be >= 0, was " + value);
    }
    return value;
  }

  /**
   * Requires a non-blank name without control characters (it becomes part of thread names and log
   * lines).
   *
   * @param field the field's name
   * @param value the value
   * @return {@code value}
   * @throws NullPointerException naming the field if null
   * @throws IllegalArgumentException naming the field if blank, longer than 64 characters or with
   *     control characters
   */
  public static String name(String field, @Nullable String value) {
    Objects.requireNonNull(value, field);
    if (value.isBlank() || value.length() > 64 || value.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          field
              + " must be 1 to 64 characters without control characters and not blank, was \""
              + value
              + "\"");
    }
    return value;
  }

  /**
   * Refuses to set a builder option twice (as Caffeine does).
   *
   * @param field the option's name
   * @param alreadySet whether it was set before
   * @throws IllegalStateException naming the option if it was already set
   */
  public static void notSetTwice(String field, boolean alreadySet) {
    if (alreadySet) {
      throw new IllegalStateException(field + " was already set");
    }
  }
}
