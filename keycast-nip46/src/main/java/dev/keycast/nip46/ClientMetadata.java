package dev.keycast.nip46;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What a NIP-46 client says about itself: {@code {name, url, image}}, from {@code connect}'s fourth
 * parameter or a {@code nostrconnect://} URI. A <b>display hint only</b>: anyone can send any name,
 * so nothing here ever authorizes anything, and every place that shows it must escape it.
 *
 * <p>Every instance is already bounded and cleaned, whatever it was made from (the canonical
 * constructor does it), so a stored or shown value never needs checking again:
 *
 * <ul>
 *   <li>{@code name}: control, format (bidi overrides and isolates, zero-width characters) and
 *       line/paragraph separator characters and lone surrogates are removed, surrounding whitespace
 *       is stripped, and it is cut to {@value #MAX_NAME_CHARS} UTF-16 characters (never inside a
 *       surrogate pair); empty becomes {@code null}.
 *   <li>{@code url}, {@code image}: kept only if an absolute {@code http://} or {@code https://}
 *       URI with a host, at most {@value #MAX_URL_CHARS} characters, with no whitespace, control or
 *       format character; anything else ({@code javascript:}, {@code data:}, too long) becomes
 *       {@code null}.
 * </ul>
 *
 * <p>Bad metadata is never an error: the parsers drop what they cannot use and return what is left
 * (possibly {@link #NONE}).
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param name the client's display name, or {@code null}
 * @param url the client's web site, or {@code null}
 * @param image the client's icon URL, or {@code null} (never fetched by Keycast)
 */
public record ClientMetadata(@Nullable String name, @Nullable String url, @Nullable String image) {
  /** The longest kept name, in UTF-16 characters. */
  public static final int MAX_NAME_CHARS = 100;

  /** The longest kept URL ({@code url} and {@code image}), in characters. */
  public static final int MAX_URL_CHARS = 512;

  /** No metadata. */
  public static final ClientMetadata NONE = new ClientMetadata(null, null, null);

  /** Cleans and bounds the fields as the class documentation says. */
  public ClientMetadata {
    name = cleanName(name);
    url = cleanUrl(url);
    image = cleanUrl(image);
  }

  /**
   * Reads {@code connect}'s fourth parameter: a JSON object with {@code name}, {@code url} and
   * {@code image} (or the older {@code icon}, or the first of {@code icons}). Never throws:
   * malformed JSON, a non-object or non-string fields give {@link #NONE} or the fields that were
   * usable.
   *
   * @param json the parameter as sent, or {@code null}
   * @return the cleaned metadata
   */
  public static ClientMetadata fromJson(@Nullable String json) {
    if (json == null || json.isBlank()) {
      return NONE;
    }
    JsonNode m;
    try {
      m = Json.parse(json, "client metadata");
    } catch (RuntimeException e) { // NostrFormatException, or anything else: a hint is optional
      return NONE;
    }
    if (!m.isObject()) {
      return NONE;
    }
    String image = text(m, "image");
    if (image == null) {
      image = text(m, "icon");
    }
    JsonNode icons = m.get("icons");
    if (image == null && icons != null && icons.isArray() && !icons.isEmpty()) {
      image = icons.get(0).isTextual() ? icons.get(0).asText() : null;
    }
    return new ClientMetadata(text(m, "name"), text(m, "url"), image);
  }

  /** {@return true if no field survived} */
  public boolean isEmpty() {
    return name == null && url == null && image == null;
  }

  private static @Nullable String text(JsonNode m, String field) {
    JsonNode n = m.get(field);
    return n != null && n.isTextual() ? n.asText() : null;
  }

  private static @Nullable String cleanName(@Nullable String raw) {
    if (raw == null) {
      return null;
    }
    StringBuilder b = new StringBuilder(Math.min(raw.length(), MAX_NAME_CHARS));
    // Stops early: a 10 KB name costs no more than its first characters.
    for (int i = 0; i < raw.length() && b.length() < MAX_NAME_CHARS * 2; ) {
      int cp = raw.codePointAt(i);
      i += Character.charCount(cp);
      if (!unsafe(cp)) {
        b.appendCodePoint(cp);
      }
    }
    String s = b.toString().strip();
    if (s.length() > MAX_NAME_CHARS) {
      int end = MAX_NAME_CHARS;
      if (Character.isHighSurrogate(s.charAt(end - 1))) {
        end--;
      }
      s = s.substring(0, end).strip();
    }
    return s.isEmpty() ? null : s;
  }

  private static @Nullable String cleanUrl(@Nullable String raw) {
    if (raw == null) {
      return null;
    }
    String s = raw.strip();
    if (s.isEmpty() || s.length() > MAX_URL_CHARS) {
      return null;
    }
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (unsafe(cp) || Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
        return null;
      }
    }
    try {
      URI u = new URI(s);
      String scheme = u.getScheme();
      if (scheme == null || u.getHost() == null || u.isOpaque()) {
        return null;
      }
      String lower = scheme.toLowerCase(Locale.ROOT);
      return lower.equals("https") || lower.equals("http") ? s : null;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  /** Control, format (bidi, zero-width), separator and lone-surrogate characters. */
  private static boolean unsafe(int cp) {
    int type = Character.getType(cp);
    return type == Character.CONTROL
        || type == Character.FORMAT
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.SURROGATE
        || type == Character.UNASSIGNED
        || type == Character.PRIVATE_USE;
  }
}
