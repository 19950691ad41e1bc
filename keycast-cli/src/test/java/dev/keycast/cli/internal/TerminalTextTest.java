package dev.keycast.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

class TerminalTextTest {

  @Test
  void escape_controlCharacters_visibleEscapes() {
    assertThat(TerminalText.escape("a\nb\rc\td\u001b[31me\u007ff\u0085g\u202eh"))
        .isEqualTo("a\\nb\\rc\\td\\u001b[31me\\u007ff\\u0085g\\u202eh");
    assertThat(TerminalText.escape("plain wss://relay.example ✓"))
        .isEqualTo("plain wss://relay.example ✓");
    assertThat(TerminalText.escape(null)).isEqualTo("null");
  }

  @Test
  void textLog_relaySuppliedNewlineAndEscape_oneLineNoRawControl() {
    LoggerContext context = new LoggerContext();
    PatternLayout layout = Logging.textLayout(context);
    LoggingEvent event =
        new LoggingEvent(
            "x",
            context.getLogger("dev.keycast.nip46.relay.RelayConnection"),
            Level.WARN,
            "relay {} closed subscription {}: {}",
            null,
            new Object[] {
              "wss://r", "s1", "bye\n12:00:00.000 ERROR [main] forged - \u001b[2Jcleared"
            });
    String line = layout.doLayout(event);
    assertThat(line).endsWith(System.lineSeparator());
    String body = line.substring(0, line.length() - System.lineSeparator().length());
    assertThat(body).doesNotContain("\n").doesNotContain("\u001b");
    assertThat(body).contains("bye\\n12:00:00.000 ERROR [main] forged - \\u001b[2Jcleared");
  }
}
