package dev.keycast.cli.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.nio.charset.StandardCharsets;
import org.slf4j.LoggerFactory;

/**
 * Configures logback for the command: everything to stderr (stdout is reserved for command output
 * such as {@code --json}), human-readable lines or one JSON object per line.
 *
 * <p>Not thread-safe: call from {@code main} before the command starts threads.
 */
public final class Logging {
  private Logging() {}

  /**
   * Replaces the logback configuration.
   *
   * @param json one JSON object per line instead of text
   * @param level the root level name ({@code WARN}, {@code INFO}, {@code DEBUG})
   */
  public static void configure(boolean json, String level) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return; // another SLF4J back-end (tests): leave it alone
    }
    context.reset();
    Encoder<ILoggingEvent> encoder;
    if (json) {
      LayoutWrappingEncoder<ILoggingEvent> e = new LayoutWrappingEncoder<>();
      JsonLogLayout layout = new JsonLogLayout();
      layout.setContext(context);
      layout.start();
      e.setLayout(layout);
      e.setCharset(StandardCharsets.UTF_8);
      encoder = e;
    } else {
      LayoutWrappingEncoder<ILoggingEvent> e = new LayoutWrappingEncoder<>();
      e.setLayout(textLayout(context));
      e.setCharset(StandardCharsets.UTF_8);
      encoder = e;
    }
    encoder.setContext(context);
    encoder.start();
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName("stderr");
    appender.setTarget("System.err");
    appender.setEncoder(encoder);
    appender.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(level, Level.INFO));
    root.addAppender(appender);
    // Chatty libraries: their INFO lines say nothing an operator needs.
    context.getLogger("com.zaxxer.hikari").setLevel(Level.WARN);
    context.getLogger("org.java_websocket").setLevel(Level.WARN);
    context.getLogger("org.jdbi").setLevel(Level.WARN);
  }

  /**
   * The text layout: one line per event, the message's control characters escaped ({@link
   * SafeMessageConverter}), so relay- or client-supplied text cannot forge lines.
   */
  static PatternLayout textLayout(LoggerContext context) {
    PatternLayout layout = new PatternLayout();
    layout.getInstanceConverterMap().put("msg", SafeMessageConverter::new);
    layout.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n%ex{short}");
    layout.setContext(context);
    layout.start();
    return layout;
  }
}
