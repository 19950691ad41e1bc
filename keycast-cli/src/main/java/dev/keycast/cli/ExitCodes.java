package dev.keycast.cli;

/**
 * The exit codes of the {@code keycast} command (a subset of BSD {@code sysexits.h}). Scripts may
 * rely on them.
 */
public final class ExitCodes {
  /** Success. */
  public static final int OK = 0;

  /**
   * Usage or configuration error: an unknown option, a malformed URI, an unknown key or
   * authorization, a missing or wrong master key, an HTTP port already in use. Fix the command line
   * or the configuration and run again.
   */
  public static final int USAGE = 64;

  /**
   * Internal error: a bug or an unexpected failure (database, file system). The log says what
   * happened.
   */
  public static final int INTERNAL = 70;

  /**
   * A relay or the database could not be reached or did not answer in time ({@code EX_TEMPFAIL});
   * retrying later may succeed.
   */
  public static final int TEMPORARILY_UNAVAILABLE = 75;

  private ExitCodes() {}
}
