package dev.keycast.crypto;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A NIP-19 (or NIP-49) bech32 string could not be decoded, or a value cannot be encoded.
 *
 * <p>It is an {@link IllegalArgumentException}, so callers that only care about "bad input" can
 * catch that; callers that want to tell the user what is wrong can switch on {@link #reason()}.
 *
 * <p>The message names the problem, the expected and actual sizes and the human-readable prefix
 * (such as {@code nsec}); it never contains the data part of the string, because that may be a
 * secret key.
 *
 * <p>Thread-safety: immutable once thrown.
 */
public final class Nip19FormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** What is wrong with the input. */
  public enum Reason {
    /** The string is longer than {@link Nip19#MAX_LENGTH} characters. */
    TOO_LONG,
    /**
     * The string has a character outside US-ASCII 33..126, or a data character outside the bech32
     * alphabet.
     */
    INVALID_CHARACTER,
    /** The string mixes upper and lower case. */
    MIXED_CASE,
    /**
     * The string has no {@code 1} separator, an empty prefix, or fewer than six checksum
     * characters.
     */
    MISSING_SEPARATOR,
    /** The checksum does not match (a typo, or a bech32m string where bech32 is required). */
    INVALID_CHECKSUM,
    /** The 5-bit groups do not convert to whole bytes (non-zero or over-long padding). */
    INVALID_PADDING,
    /**
     * The human-readable prefix is not the one expected (or not a known one, for generic decoding).
     */
    WRONG_PREFIX,
    /** The decoded data has the wrong number of bytes. */
    WRONG_LENGTH,
    /**
     * An {@code nprofile} TLV stream is truncated, lacks the public key, or holds a relay that is
     * not UTF-8.
     */
    INVALID_TLV,
    /**
     * The bytes are not a valid key (public key not on the curve, secret key zero or not below the
     * order).
     */
    INVALID_KEY,
    /** An {@code ncryptsec} has an unsupported version byte or scrypt cost. */
    UNSUPPORTED_VERSION,
    /** A value cannot be encoded (for example a relay URL longer than 255 UTF-8 bytes). */
    UNENCODABLE
  }

  /** What is wrong with the input. */
  private final Reason reason;

  /**
   * Creates the exception.
   *
   * @param reason what is wrong
   * @param message description, without secret data
   */
  public Nip19FormatException(Reason reason, String message) {
    this(reason, message, null);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param reason what is wrong
   * @param message description, without secret data
   * @param cause the underlying failure, or {@code null}
   */
  public Nip19FormatException(Reason reason, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /**
   * What is wrong with the input.
   *
   * @return the reason, never {@code null}
   */
  public Reason reason() {
    return reason;
  }
}
