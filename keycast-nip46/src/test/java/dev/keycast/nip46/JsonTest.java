package dev.keycast.nip46;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * The strictness of {@link Json#parse} and of {@link Json#parseCopied}, which reads a {@code
 * char[]} copy of the text: one JSON value, nothing after it, no duplicate keys, bounded nesting.
 */
class JsonTest {
  private static JsonNode both(String json) {
    JsonNode copied = Json.parseCopied(json, "x");
    assertThat(Json.parse(json, "x")).isEqualTo(copied);
    return copied;
  }

  private static void bothThrow(String json, String messageStart) {
    assertThatThrownBy(() -> Json.parse(json, "x"))
        .isInstanceOf(NostrFormatException.class)
        .hasMessageStartingWith(messageStart);
    assertThatThrownBy(() -> Json.parseCopied(json, "x"))
        .isInstanceOf(NostrFormatException.class)
        .hasMessageStartingWith(messageStart);
  }

  @Test
  void parse_object_readsIt() {
    JsonNode n = both(" {\"a\":[1,\"é\\u0041\"],\"b\":null} \n");
    assertThat(n.get("a").get(1).textValue()).isEqualTo("éA");
    assertThat(n.get("b").isNull()).isTrue();
  }

  @Test
  void parse_trailingContent_throws() {
    bothThrow("{\"a\":1} {}", "x is not valid JSON");
    bothThrow("[1] x", "x is not valid JSON");
  }

  @Test
  void parse_duplicateKey_throws() {
    bothThrow("{\"a\":1,\"a\":2}", "x is not valid JSON");
    bothThrow("[{\"b\":{\"a\":1,\"a\":2}}]", "x is not valid JSON");
  }

  @Test
  void parse_emptyOrBlank_throws() {
    bothThrow("", "x is empty");
    bothThrow("  \n", "x is empty");
  }

  @Test
  void parse_tooDeep_throws() {
    String deep = "[".repeat(40) + "]".repeat(40);
    bothThrow(deep, "x is not valid JSON");
    assertThat(both("[".repeat(20) + "]".repeat(20)).isArray()).isTrue();
  }

  @Test
  void parse_longText_readsIt() {
    String big = "x".repeat(100_000); // beyond Jackson's 32K-char limit for its own String copy
    assertThat(both("[\"" + big + "\"]").get(0).textValue()).isEqualTo(big);
  }
}
