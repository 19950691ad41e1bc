package dev.keycast.cli.internal;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on stderr ({@code label [#####.....] 3/8 detail}). On a terminal the line
 * is redrawn in place; otherwise (logs, pipes) nothing is drawn until {@link #done}, which prints
 * one line.
 *
 * <p>Not thread-safe: update from one thread (or guard externally).
 */
public final class Progress {
  private static final int WIDTH = 30;
  private final PrintWriter err;
  private final String label;
  private final long total;
  private final boolean terminal;
  private long lastDrawNanos;

  /**
   * @param err where to draw (stderr)
   * @param label the text before the bar
   * @param total the count that means 100 %
   */
  public Progress(PrintWriter err, String label, long total) {
    this.err = err;
    this.label = label;
    this.total = Math.max(1, total);
    this.terminal = Terminals.console() != null && System.getenv("KEYCAST_NO_PROGRESS") == null;
  }

  /**
   * Redraws the bar, at most every 100 ms.
   *
   * @param done how many of {@code total} are done
   * @param detail a short text after the counts
   */
  public void update(long done, String detail) {
    if (!terminal) {
      return;
    }
    long now = System.nanoTime();
    if (done < total && now - lastDrawNanos < 100_000_000L && lastDrawNanos != 0) {
      return;
    }
    lastDrawNanos = now;
    int filled = (int) Math.min(WIDTH, done * WIDTH / total);
    err.print(
        String.format(
            Locale.ROOT,
            "\r%s [%s%s] %d/%d %-24s",
            label,
            "#".repeat(filled),
            ".".repeat(WIDTH - filled),
            done,
            total,
            detail));
    err.flush();
  }

  /**
   * Ends the bar with a summary line.
   *
   * @param summary what was done
   */
  public void done(String summary) {
    if (terminal) {
      err.print("\r" + " ".repeat(label.length() + WIDTH + 40) + "\r");
    }
    err.println(label + ": " + summary);
    err.flush();
  }
}
