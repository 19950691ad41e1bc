package dev.keycast.cli.internal;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.time.Instant;
import java.util.Map;

/**
 * One JSON object per log line: {@code {"ts","level","logger","thread","msg","mdc"?,"exception"?}}.
 * The message is the formatted SLF4J message; what goes into it is the caller's responsibility
 * (Keycast never logs secrets).
 *
 * <p>Thread-safe (stateless).
 */
public final class JsonLogLayout extends LayoutBase<ILoggingEvent> {
  /** Creates the layout. */
  public JsonLogLayout() {}

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder sb = new StringBuilder(256);
    sb.append("{\"ts\":");
    str(sb, Instant.ofEpochMilli(event.getTimeStamp()).toString());
    sb.append(",\"level\":");
    str(sb, event.getLevel().toString());
    sb.append(",\"logger\":");
    str(sb, event.getLoggerName());
    sb.append(",\"thread\":");
    str(sb, event.getThreadName());
    sb.append(",\"msg\":");
    str(sb, event.getFormattedMessage());
    Map<String, String> mdc = event.getMDCPropertyMap();
    if (mdc != null && !mdc.isEmpty()) {
      sb.append(",\"mdc\":{");
      boolean first = true;
      for (Map.Entry<String, String> e : mdc.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        str(sb, e.getKey());
        sb.append(':');
        str(sb, e.getValue());
      }
      sb.append('}');
    }
    IThrowableProxy tp = event.getThrowableProxy();
    if (tp != null) {
      sb.append(",\"exception\":");
      str(sb, ThrowableProxyUtil.asString(tp));
    }
    sb.append("}\n");
    return sb.toString();
  }

  private static void str(StringBuilder sb, String s) {
    sb.append('"');
    JsonStringEncoder.getInstance().quoteAsString(s == null ? "" : s, sb);
    sb.append('"');
  }
}
