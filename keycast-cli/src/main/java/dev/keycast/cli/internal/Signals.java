package dev.keycast.cli.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM/SIGINT handling for the daemon. With {@code sun.misc.Signal} (in every mainstream JDK via
 * {@code jdk.unsupported}) the signal only wakes the main thread, which shuts down in order and
 * returns exit code 0. Where it is missing, a shutdown hook runs the same action (the exit code is
 * then the JVM's 143/130).
 *
 * <p>{@code sun.misc.Signal} is reached by reflection: named in source, it draws javac's "internal
 * proprietary API" warning, which no {@code @SuppressWarnings} or {@code -Xlint} option silences
 * and which would fail the build ({@code failOnWarning}).
 *
 * <p>Thread-safe; never blocks.
 */
public final class Signals {
  private static final Logger log = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  /**
   * Runs {@code action} on SIGTERM or SIGINT, on the JDK's signal thread (or the shutdown hook's
   * thread).
   *
   * @param action what to do; it must return quickly (count down a latch, say)
   */
  public static void onTermOrInt(Runnable action) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> signalHandler = Class.forName("sun.misc.SignalHandler");
      Method handle = signal.getMethod("handle", signal, signalHandler);
      // sig is a sun.misc.Signal, whose toString is SIGTERM or SIGINT
      Consumer<Object> onSignal =
          sig -> {
            log.info("received {}", sig);
            action.run();
          };
      MethodHandle accept =
          MethodHandles.lookup()
              .findVirtual(
                  Consumer.class, "accept", MethodType.methodType(void.class, Object.class))
              .bindTo(onSignal);
      Object handler = MethodHandleProxies.asInterfaceInstance(signalHandler, accept);
      for (String name : new String[] {"TERM", "INT"}) {
        handle.invoke(null, signal.getConstructor(String.class).newInstance(name), handler);
      }
    } catch (ReflectiveOperationException | LinkageError | IllegalArgumentException e) {
      log.debug("no signal handlers ({}); using a shutdown hook", e.toString());
      Runtime.getRuntime().addShutdownHook(new Thread(action, "keycast-shutdown"));
    }
  }
}
