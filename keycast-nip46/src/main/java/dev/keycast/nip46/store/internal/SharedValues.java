package dev.keycast.nip46.store.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One parsed value per distinct column text, for columns whose values repeat across many rows (an
 * authorization's relay list, its user key): loading 100,000 rows parses each distinct text once
 * and holds one copy. Bounded: past {@code max} distinct texts, values are parsed and held per row.
 * Thread-safe; the values must be immutable.
 *
 * @param <V> the parsed value
 */
final class SharedValues<V> {
  private final Map<String, V> byText = new ConcurrentHashMap<>();
  private final int max;

  SharedValues(int max) {
    this.max = max;
  }

  /**
   * Returns the value parsed earlier from this text, or parses it now.
   *
   * @param text the column's text
   * @param parse parses the text; its exceptions pass through and nothing is kept
   */
  V get(String text, Function<String, V> parse) {
    V known = byText.get(text);
    if (known != null) {
      return known;
    }
    V parsed = parse.apply(text);
    if (byText.size() < max) {
      byText.putIfAbsent(text, parsed);
    }
    return parsed;
  }
}
