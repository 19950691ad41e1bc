package dev.keycast.cli.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The JSON every command prints ({@code --json}, {@code /health}) and reads (benchmark child
 * output), with one mapper in its default configuration so that every output has the same shape.
 *
 * <p>Thread-safe (the mapper is configured once and never changed); never blocks.
 */
public final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  /**
   * Writes a value as compact JSON.
   *
   * @param value maps, lists, strings, numbers, booleans or null
   * @return the compact JSON text of {@code value}
   * @throws JsonProcessingException if {@code value} cannot be serialized
   */
  public static String write(Object value) throws JsonProcessingException {
    return MAPPER.writeValueAsString(value);
  }

  /**
   * Reads a JSON document.
   *
   * @param utf8 a JSON document in UTF-8
   * @return its tree
   * @throws IOException if {@code utf8} is not JSON
   */
  public static JsonNode read(byte[] utf8) throws IOException {
    return MAPPER.readTree(utf8);
  }
}
