package dev.keycast.nip46;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keycast.crypto.SignedEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A NIP-01 subscription filter. A {@code null} component means "no constraint"; an empty list
 * matches nothing. An event matches when it satisfies every non-null component; a subscription's
 * filters are OR-ed.
 *
 * <p>Build one with {@link #builder()}, for example the signer's subscription {@code
 * Filter.builder().kinds(24133).tag('p', signerKeys).since(now - 30).build()}.
 *
 * <p>Thread-safety: immutable.
 *
 * @param ids event ids (64 hex), or {@code null}
 * @param authors author public keys (64 hex), or {@code null}
 * @param kinds event kinds, or {@code null}
 * @param tags single-letter tag filters: {@code 'p' -> [values]} is {@code "#p":[values]}, matching
 *     events having a tag {@code [p, value, ...]} with one of the values; empty map for none
 * @param since minimum {@code created_at} in seconds (inclusive), or {@code null}
 * @param until maximum {@code created_at} in seconds (inclusive), or {@code null}
 * @param limit the most stored events to return initially (newest first), or {@code null}
 */
public record Filter(
    @Nullable List<String> ids,
    @Nullable List<String> authors,
    @Nullable List<Integer> kinds,
    Map<Character, List<String>> tags,
    @Nullable Long since,
    @Nullable Long until,
    @Nullable Integer limit) {

  /**
   * Validates and copies the components.
   *
   * @throws IllegalArgumentException if a tag key is not an ASCII letter, or {@code limit} is
   *     negative
   */
  public Filter {
    ids = ids == null ? null : List.copyOf(ids);
    authors = authors == null ? null : List.copyOf(authors);
    kinds = kinds == null ? null : List.copyOf(kinds);
    TreeMap<Character, List<String>> t = new TreeMap<>();
    for (Map.Entry<Character, List<String>> e : tags.entrySet()) {
      char c = e.getKey();
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
        throw new IllegalArgumentException("tag filter key must be a single ASCII letter");
      }
      t.put(c, List.copyOf(e.getValue()));
    }
    tags = java.util.Collections.unmodifiableMap(t);
    if (limit != null && limit < 0) {
      throw new IllegalArgumentException("limit must not be negative");
    }
  }

  /**
   * A builder for a filter with no constraints.
   *
   * @return a new builder (not thread-safe)
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Whether an event matches this filter (ignoring {@code limit}).
   *
   * @param event the event
   * @return true if every non-null component is satisfied
   */
  public boolean matches(SignedEvent event) {
    if (ids != null && !ids.contains(event.id())) {
      return false;
    }
    if (authors != null && !authors.contains(event.pubkey())) {
      return false;
    }
    if (kinds != null && !containsKind(kinds, event.kind())) {
      return false;
    }
    if (since != null && event.createdAt() < since) {
      return false;
    }
    if (until != null && event.createdAt() > until) {
      return false;
    }
    // No allocation per call: a relay runs this for every subscription on every event.
    for (Map.Entry<Character, List<String>> e : tags.entrySet()) {
      char name = e.getKey();
      List<String> wanted = e.getValue();
      boolean found = false;
      for (List<String> tag : event.tags()) {
        if (tag.size() >= 2
            && tag.get(0).length() == 1
            && tag.get(0).charAt(0) == name
            && wanted.contains(tag.get(1))) {
          found = true;
          break;
        }
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  private static boolean containsKind(List<Integer> kinds, int kind) {
    for (int k : kinds) {
      if (k == kind) {
        return true;
      }
    }
    return false;
  }

  /**
   * The filter as a JSON object ({@code {"ids","authors","kinds","#x","since","until","limit"}},
   * absent components omitted).
   *
   * @return compact JSON; {@link #fromJson} reads it back
   */
  public String toJson() {
    return Json.write(toNode());
  }

  ObjectNode toNode() {
    ObjectNode o = Json.object();
    if (ids != null) {
      ArrayNode a = o.putArray("ids");
      ids.forEach(a::add);
    }
    if (authors != null) {
      ArrayNode a = o.putArray("authors");
      authors.forEach(a::add);
    }
    if (kinds != null) {
      ArrayNode a = o.putArray("kinds");
      kinds.forEach(a::add);
    }
    for (Map.Entry<Character, List<String>> e : tags.entrySet()) {
      ArrayNode a = o.putArray("#" + e.getKey());
      e.getValue().forEach(a::add);
    }
    if (since != null) {
      o.put("since", since);
    }
    if (until != null) {
      o.put("until", until);
    }
    if (limit != null) {
      o.put("limit", limit);
    }
    return o;
  }

  /**
   * Parses a filter object. Unknown members are ignored; known ones must have their NIP-01 types.
   *
   * @param json the filter JSON
   * @return the filter
   * @throws NostrFormatException if the JSON is malformed or a member has the wrong type
   */
  public static Filter fromJson(String json) {
    return fromNode(Json.parse(json, "filter"));
  }

  static Filter fromNode(JsonNode o) {
    if (!o.isObject()) {
      throw new NostrFormatException("filter must be a JSON object");
    }
    Builder b = builder();
    JsonNode n;
    if ((n = o.get("ids")) != null) {
      b.ids(Json.stringList(n, "filter: \"ids\""));
    }
    if ((n = o.get("authors")) != null) {
      b.authors(Json.stringList(n, "filter: \"authors\""));
    }
    if ((n = o.get("kinds")) != null) {
      if (!n.isArray()) {
        throw new NostrFormatException("filter: \"kinds\" must be an array of integers");
      }
      List<Integer> kinds = new ArrayList<>();
      for (JsonNode k : n) {
        kinds.add(Json.kind(k, "filter: every kind"));
      }
      b.kinds(kinds);
    }
    for (Map.Entry<String, JsonNode> e : o.properties()) {
      String key = e.getKey();
      if (key.length() == 2 && key.charAt(0) == '#') {
        char c = key.charAt(1);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
          b.tag(c, Json.stringList(e.getValue(), "filter: \"" + key + "\""));
        }
      }
    }
    if ((n = o.get("since")) != null && !n.isNull()) {
      b.since(Json.timestamp(n, "filter: \"since\""));
    }
    if ((n = o.get("until")) != null && !n.isNull()) {
      b.until(Json.timestamp(n, "filter: \"until\""));
    }
    if ((n = o.get("limit")) != null && !n.isNull()) {
      long l = Json.asLong(n, "filter: \"limit\"");
      if (l < 0) {
        throw new NostrFormatException("filter: \"limit\" must not be negative");
      }
      b.limit((int) Math.min(l, Integer.MAX_VALUE));
    }
    return b.build();
  }

  /**
   * Builds a {@link Filter}. Not thread-safe; each setter replaces the previous value of its
   * component.
   */
  public static final class Builder {
    private @Nullable List<String> ids;
    private @Nullable List<String> authors;
    private @Nullable List<Integer> kinds;
    private final Map<Character, List<String>> tags = new TreeMap<>();
    private @Nullable Long since;
    private @Nullable Long until;
    private @Nullable Integer limit;

    private Builder() {}

    /**
     * Sets the event ids.
     *
     * @param ids 64-hex event ids
     * @return this builder
     */
    public Builder ids(Collection<String> ids) {
      this.ids = List.copyOf(ids);
      return this;
    }

    /**
     * Sets the authors.
     *
     * @param authors 64-hex public keys
     * @return this builder
     */
    public Builder authors(Collection<String> authors) {
      this.authors = List.copyOf(authors);
      return this;
    }

    /**
     * Sets the kinds.
     *
     * @param kinds event kinds
     * @return this builder
     */
    public Builder kinds(Collection<Integer> kinds) {
      this.kinds = List.copyOf(kinds);
      return this;
    }

    /**
     * Sets the kinds.
     *
     * @param kinds event kinds
     * @return this builder
     */
    public Builder kinds(int... kinds) {
      List<Integer> l = new ArrayList<>();
      for (int k : kinds) {
        l.add(k);
      }
      return kinds(l);
    }

    /**
     * Sets a single-letter tag filter ({@code "#p"} for {@code 'p'}).
     *
     * @param letter the tag name, an ASCII letter
     * @param values the accepted values
     * @return this builder
     */
    public Builder tag(char letter, Collection<String> values) {
      tags.put(letter, List.copyOf(values));
      return this;
    }

    /**
     * Sets the lower time bound.
     *
     * @param sinceSeconds minimum {@code created_at}, seconds since the Unix epoch (inclusive)
     * @return this builder
     */
    public Builder since(long sinceSeconds) {
      this.since = sinceSeconds;
      return this;
    }

    /**
     * Sets the upper time bound.
     *
     * @param untilSeconds maximum {@code created_at}, seconds since the Unix epoch (inclusive)
     * @return this builder
     */
    public Builder until(long untilSeconds) {
      this.until = untilSeconds;
      return this;
    }

    /**
     * Sets the limit on stored events returned before EOSE.
     *
     * @param limit the maximum number, non-negative
     * @return this builder
     */
    public Builder limit(int limit) {
      this.limit = limit;
      return this;
    }

    /**
     * Builds the filter.
     *
     * @return the filter
     * @throws IllegalArgumentException if a tag letter is not an ASCII letter or the limit is
     *     negative
     */
    public Filter build() {
      return new Filter(ids, authors, kinds, tags, since, until, limit);
    }
  }

  /**
   * A copy with a different {@code since}.
   *
   * @param sinceSeconds the new lower bound in seconds, or {@code null} for none
   * @return the copy
   */
  public Filter withSince(@Nullable Long sinceSeconds) {
    return new Filter(ids, authors, kinds, tags, sinceSeconds, until, limit);
  }
}
