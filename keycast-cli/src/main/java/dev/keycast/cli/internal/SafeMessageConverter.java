package dev.keycast.cli.internal;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * The text log's {@code %msg}: the formatted message with its control characters escaped ({@link
 * TerminalText#escape}), so that text a relay or client supplied cannot forge log lines or drive
 * the terminal. Thread-safe (stateless).
 */
public final class SafeMessageConverter extends MessageConverter {
  /** Creates the converter (logback instantiates it for each layout). */
  public SafeMessageConverter() {}

  @Override
  public String convert(ILoggingEvent event) {
    return TerminalText.escape(super.convert(event));
  }
}
