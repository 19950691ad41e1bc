package dev.keycast.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonLogLayoutTest {
  @Test
  void doLayout_oneJsonObjectPerLine_escaped() throws Exception {
    LoggerContext ctx = new LoggerContext();
    ctx.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    Logger logger = ctx.getLogger("dev.keycast.test");
    LoggingEvent e =
        new LoggingEvent(
            "x",
            logger,
            Level.WARN,
            "relay {} said \"no\"\nthen {}",
            new IllegalStateException("boom"),
            new Object[] {"wss://r", "bye"});
    JsonLogLayout layout = new JsonLogLayout();
    layout.setContext(ctx);
    layout.start();
    String line = layout.doLayout(e);
    assertThat(line).endsWith("}\n");
    assertThat(line.strip()).doesNotContain("\n");
    JsonNode j = new ObjectMapper().readTree(line);
    assertThat(j.get("level").asText()).isEqualTo("WARN");
    assertThat(j.get("logger").asText()).isEqualTo("dev.keycast.test");
    assertThat(j.get("msg").asText()).isEqualTo("relay wss://r said \"no\"\nthen bye");
    assertThat(j.get("exception").asText()).contains("IllegalStateException: boom");
    assertThat(j.get("ts").asText()).endsWith("Z");
  }
}
