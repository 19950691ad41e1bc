package dev.keycast.cli.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM/SIGINT handling for the daemon. With {@code sun.misc.Signal} (in every mainstream JDK via
 * {@code jdk.unsupported}) the signal only wakes the main thread, which shuts down in order and returns exit code 0.
 * Where it is missing, a shutdown hook runs the same action (the exit code is then the JVM's 143/130).
 *
 * <p>Thread-safe; never blocks.
 */
public final class Signals {
  private static final Logger log = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  /**
   * Runs {@code action} on SIGTERM or SIGINT, on the JDK's signal thread (or the shutdown hook's thread).
   *
   * @param action what to do; it must return quickly (count down a latch, say)
   */
  public static void onTermOrInt(Runnable action) {
    try {
      for (String name : new String[] {"TERM", "INT"}) {
        sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
          log.info("received SIG{}", sig.getName());
          action.run();
        });
      }
    } catch (LinkageError | IllegalArgumentException e) {
      log.debug("no signal handlers ({}); using a shutdown hook", e.toString());
      Runtime.getRuntime().addShutdownHook(new Thread(action, "keycast-shutdown"));
    }
  }
}
