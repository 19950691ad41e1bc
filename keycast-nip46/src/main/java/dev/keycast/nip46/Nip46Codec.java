package dev.keycast.nip46;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keycast.nip46.internal.Utf8JsonWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes NIP-46 bodies (the decrypted content of kind-24133 events).
 *
 * <p>Signer side: {@link #parseRequest(String)} and {@link #toJson(Nip46Response)}. Client side
 * (tests, embedders writing clients): {@link #toJson(Nip46Request)} and {@link
 * #parseResponse(String)}.
 *
 * <p>Parsing is strict. The body must be one JSON object; {@code id} and {@code method} must be
 * strings; {@code params}, when present, must be an array of strings; methods with parameters must
 * have enough of them; peer public keys must be 64 hex characters; a {@code sign_event} template
 * must have the right JSON types. Unknown members are ignored. Any violation throws {@link
 * Nip46FormatException}, which carries the request id whenever it could be read so the signer can
 * still reply with an error. No other exception escapes, whatever the input.
 *
 * <p>Writing never leaks: an error is {@code {"id","error"}} with no {@code result} member
 * (rust-nostr cannot parse an empty result next to an error), an auth challenge is {@code
 * {"id","result":"auth_url","error":url}}, and {@code "result":"error"} is never written.
 *
 * <p>Thread-safety: stateless; all methods are safe to call from any thread and never block.
 */
public final class Nip46Codec {
  private Nip46Codec() {}

  /**
   * Parses a request body.
   *
   * @param json the decrypted event content
   * @return the request; {@link Nip46Request.Unknown} for methods Keycast does not know
   * @throws Nip46FormatException if the body is malformed; {@link Nip46FormatException#requestId()}
   *     is set when the body was an object with a string id
   */
  public static Nip46Request parseRequest(String json) throws Nip46FormatException {
    StreamedRequestBody.Fields streamed = StreamedRequestBody.request(json);
    if (streamed == null) {
      return parseRequestTree(json);
    }
    try {
      return request(streamed.id(), streamed.method(), streamed.params());
    } catch (NostrFormatException e) {
      throw new Nip46FormatException(e.getMessage(), streamed.id(), e);
    }
  }

  /** The tree path: reads what {@link StreamedRequestBody} leaves to it and says what is wrong. */
  static Nip46Request parseRequestTree(String json) throws Nip46FormatException {
    JsonNode root;
    try {
      root = Json.parse(json, "request");
    } catch (NostrFormatException e) {
      throw new Nip46FormatException(e.getMessage(), null, e);
    }
    if (!root.isObject()) {
      throw new Nip46FormatException("request must be a JSON object", null);
    }
    JsonNode idNode = root.get("id");
    if (idNode == null || !idNode.isTextual()) {
      throw new Nip46FormatException("request: \"id\" must be a string", null);
    }
    String id = idNode.textValue();
    try {
      if (id.isEmpty()) {
        throw new NostrFormatException("request: \"id\" must not be empty");
      }
      String method = Json.requiredString(root, "method", "request");
      List<String> params = params(root);
      return request(id, method, params);
    } catch (Nip46FormatException e) {
      throw e;
    } catch (NostrFormatException e) {
      throw new Nip46FormatException(e.getMessage(), id, e);
    }
  }

  private static List<String> params(JsonNode root) {
    JsonNode p = root.get("params");
    if (p == null) {
      return List.of();
    }
    return Json.stringList(p, "request: \"params\"");
  }

  private static Nip46Request request(String id, String method, List<String> params) {
    Nip46Method m = Nip46Method.fromWireName(method).orElse(null);
    if (m == null) {
      return new Nip46Request.Unknown(id, method, params);
    }
    return switch (m) {
      case CONNECT ->
          new Nip46Request.Connect(
              id,
              emptyToNull(param(params, 0)),
              emptyToNull(param(params, 1)),
              perms(param(params, 2)),
              emptyToNull(param(params, 3)));
      case GET_PUBLIC_KEY -> new Nip46Request.GetPublicKey(id);
      case SIGN_EVENT ->
          new Nip46Request.SignEvent(id, EventJson.parseTemplate(require(params, 1, m)[0]));
      case PING -> new Nip46Request.Ping(id);
      case NIP04_ENCRYPT -> {
        String[] p = peerAndText(params, m);
        yield new Nip46Request.Nip04Encrypt(id, p[0], p[1]);
      }
      case NIP04_DECRYPT -> {
        String[] p = peerAndText(params, m);
        yield new Nip46Request.Nip04Decrypt(id, p[0], p[1]);
      }
      case NIP44_ENCRYPT -> {
        String[] p = peerAndText(params, m);
        yield new Nip46Request.Nip44Encrypt(id, p[0], p[1]);
      }
      case NIP44_DECRYPT -> {
        String[] p = peerAndText(params, m);
        yield new Nip46Request.Nip44Decrypt(id, p[0], p[1]);
      }
      case SWITCH_RELAYS -> new Nip46Request.SwitchRelays(id);
      case LOGOUT -> new Nip46Request.Logout(id);
    };
  }

  private static @Nullable String param(List<String> params, int i) {
    return i < params.size() ? params.get(i) : null;
  }

  private static @Nullable String emptyToNull(@Nullable String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static PermissionSet perms(@Nullable String s) {
    return s == null ? PermissionSet.empty() : PermissionSet.parse(s);
  }

  private static String[] require(List<String> params, int n, Nip46Method m) {
    if (params.size() < n) {
      throw new NostrFormatException(
          m.wireName() + " needs " + n + " parameter(s), got " + params.size());
    }
    return params.subList(0, n).toArray(String[]::new);
  }

  private static String[] peerAndText(List<String> params, Nip46Method m) {
    String[] p = require(params, 2, m);
    if (!Json.isHex(p[0], 64)) {
      throw new NostrFormatException(
          m.wireName() + ": the third-party public key must be 64 hex characters");
    }
    p[0] = p[0].toLowerCase(Locale.ROOT);
    return p;
  }

  /**
   * Writes a response body.
   *
   * @param response the response
   * @return compact JSON: {@code {"id","result"}}, {@code {"id","error"}} or {@code
   *     {"id","result":"auth_url","error":url}}; strings escaped as {@code JSON.stringify} escapes
   *     them
   */
  public static String toJson(Nip46Response response) {
    return new String(toUtf8(response), StandardCharsets.UTF_8);
  }

  /**
   * {@link #toJson(Nip46Response)}'s text as UTF-8 bytes, written directly: what a signer encrypts,
   * with no string in between (issue 15). Never blocks.
   *
   * @param response the response
   * @return a new array the caller owns
   */
  public static byte[] toUtf8(Nip46Response response) {
    String first;
    String firstValue;
    String second = null;
    String secondValue = null;
    switch (response) {
      case Nip46Response.Ok ok -> {
        first = ",\"result\":";
        firstValue = ok.result();
      }
      case Nip46Response.Error err -> {
        first = ",\"error\":";
        firstValue = err.error();
      }
      case Nip46Response.AuthUrl auth -> {
        first = ",\"result\":";
        firstValue = "auth_url";
        second = ",\"error\":";
        secondValue = auth.url();
      }
    }
    int length =
        "{\"id\":".length()
            + Utf8JsonWriter.literalLength(response.id())
            + first.length()
            + Utf8JsonWriter.literalLength(firstValue)
            + 1;
    if (second != null && secondValue != null) {
      length += second.length() + Utf8JsonWriter.literalLength(secondValue);
    }
    byte[] out = new byte[length];
    int p = Utf8JsonWriter.writeAscii("{\"id\":", out, 0);
    p = Utf8JsonWriter.writeLiteral(response.id(), out, p);
    p = Utf8JsonWriter.writeAscii(first, out, p);
    p = Utf8JsonWriter.writeLiteral(firstValue, out, p);
    if (second != null && secondValue != null) {
      p = Utf8JsonWriter.writeAscii(second, out, p);
      p = Utf8JsonWriter.writeLiteral(secondValue, out, p);
    }
    out[p] = '}';
    return out;
  }

  /**
   * Writes a request body (client side).
   *
   * @param request the request
   * @return compact JSON {@code {"id","method","params":[...]}}; {@link #parseRequest} reads it
   *     back
   */
  public static String toJson(Nip46Request request) {
    ObjectNode o = Json.object();
    o.put("id", request.id());
    o.put("method", request.methodName());
    ArrayNode params = o.putArray("params");
    paramsOf(request).forEach(params::add);
    return Json.write(o);
  }

  private static List<String> paramsOf(Nip46Request request) {
    return switch (request) {
      case Nip46Request.Connect c -> {
        List<String> p = new ArrayList<>(4);
        p.add(c.signerPubkey() == null ? "" : c.signerPubkey());
        p.add(c.secret() == null ? "" : c.secret());
        p.add(c.perms().toString());
        p.add(c.metadataJson() == null ? "" : c.metadataJson());
        // Drop trailing empty optional parameters, as clients do.
        while (p.size() > 1 && p.getLast().isEmpty()) {
          p.removeLast();
        }
        yield p;
      }
      case Nip46Request.SignEvent s -> List.of(s.eventJson());
      case Nip46Request.Nip04Encrypt r -> List.of(r.peerPubkeyHex(), r.text());
      case Nip46Request.Nip04Decrypt r -> List.of(r.peerPubkeyHex(), r.text());
      case Nip46Request.Nip44Encrypt r -> List.of(r.peerPubkeyHex(), r.text());
      case Nip46Request.Nip44Decrypt r -> List.of(r.peerPubkeyHex(), r.text());
      case Nip46Request.Unknown u -> u.params();
      case Nip46Request.GetPublicKey r -> List.of();
      case Nip46Request.Ping r -> List.of();
      case Nip46Request.SwitchRelays r -> List.of();
      case Nip46Request.Logout r -> List.of();
    };
  }

  /**
   * Parses a response body (client side).
   *
   * <p>{@code "result":"auth_url"} with a string {@code error} is an {@link Nip46Response.AuthUrl};
   * otherwise a non-empty {@code error} is an {@link Nip46Response.Error} (whatever {@code result}
   * says); otherwise {@code result} must be a string and the response is an {@link
   * Nip46Response.Ok}.
   *
   * @param json the decrypted event content
   * @return the response
   * @throws Nip46FormatException if the body is malformed (not an object, id not a string, result
   *     or error not a string, neither present)
   */
  public static Nip46Response parseResponse(String json) throws Nip46FormatException {
    JsonNode root;
    try {
      root = Json.parse(json, "response");
    } catch (NostrFormatException e) {
      throw new Nip46FormatException(e.getMessage(), null, e);
    }
    if (!root.isObject()) {
      throw new Nip46FormatException("response must be a JSON object", null);
    }
    JsonNode idNode = root.get("id");
    if (idNode == null || !idNode.isTextual()) {
      throw new Nip46FormatException("response: \"id\" must be a string", null);
    }
    String id = idNode.textValue();
    try {
      String result = Json.optionalString(root, "result", "response");
      String error = Json.optionalString(root, "error", "response");
      if ("auth_url".equals(result) && error != null && !error.isEmpty()) {
        return new Nip46Response.AuthUrl(id, error);
      }
      if (error != null && !error.isEmpty()) {
        return new Nip46Response.Error(id, error);
      }
      if (result == null) {
        throw new NostrFormatException("response has neither a result nor an error");
      }
      return new Nip46Response.Ok(id, result);
    } catch (NostrFormatException e) {
      throw new Nip46FormatException(e.getMessage(), id, e);
    }
  }
}
