package dev.keycast.nip46.client;

import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of one request sent by {@link Nip46Client}: a sealed type, so callers handle every
 * case with an exhaustive {@code switch}. Interim {@code auth_url} responses are not results: the
 * client reports them to its auth-url listener and keeps waiting for the real answer.
 */
public sealed interface Nip46Result {

  /**
   * The signer answered with a result.
   *
   * @param result the {@code result} string (for {@code sign_event}: the signed event JSON)
   */
  record Success(String result) implements Nip46Result {
    /**
     * Checks the result is present.
     *
     * @throws NullPointerException if {@code result} is null
     */
    public Success {
      Objects.requireNonNull(result, "result");
    }
  }

  /**
   * The signer answered with an error.
   *
   * @param error the {@code error} string (Keycast sends the stable strings of {@code SignerError})
   */
  record Failure(String error) implements Nip46Result {
    /**
     * Checks the error is present.
     *
     * @throws NullPointerException if {@code error} is null
     */
    public Failure {
      Objects.requireNonNull(error, "error");
    }
  }

  /**
   * No answer arrived in time.
   *
   * @param waited how long the client waited
   */
  record TimedOut(Duration waited) implements Nip46Result {
    /**
     * Checks the duration is present.
     *
     * @throws NullPointerException if {@code waited} is null
     */
    public TimedOut {
      Objects.requireNonNull(waited, "waited");
    }
  }

  /** {@return {@code true} for {@link Success}} */
  default boolean isSuccess() {
    return this instanceof Success;
  }

  /**
   * {@return the result of a {@link Success}}
   *
   * @throws IllegalStateException for any other outcome, naming it
   */
  default String orThrow() {
    if (this instanceof Success s) {
      return s.result();
    }
    throw new IllegalStateException("NIP-46 request did not succeed: " + this);
  }
}
