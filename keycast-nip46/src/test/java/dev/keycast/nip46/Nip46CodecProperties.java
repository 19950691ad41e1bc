package dev.keycast.nip46;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.crypto.NostrEvents;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Fuzzes the NIP-46 parsers: whatever the input, only {@link Nip46FormatException} may escape, and
 * the streamed fast path ({@link StreamedRequestBody}) gives exactly what the tree path gives: the
 * same request, or the same error with the same request id.
 */
class Nip46CodecProperties {

  @Property(tries = 400)
  void parseRequest_randomBytes_onlyFormatException(@ForAll @Size(max = 200) byte[] bytes) {
    onlyFormatException(new String(bytes, StandardCharsets.UTF_8));
  }

  @Property(tries = 400)
  void parseRequest_randomJson_onlyFormatException(@ForAll("json") String json) {
    onlyFormatException(json);
  }

  @Property(tries = 300)
  void parseRequest_mutatedValidRequest_onlyFormatException(
      @ForAll("validRequest") String json, @ForAll("positions") int pos, @ForAll char c) {
    StringBuilder sb = new StringBuilder(json);
    int i = Math.floorMod(pos, sb.length());
    sb.setCharAt(i, c);
    onlyFormatException(sb.toString());
    onlyFormatException(json.substring(0, i));
  }

  @Property(tries = 200)
  void toJsonThenParse_anyStrings_roundTrip(
      @ForAll String id, @ForAll String text, @ForAll @Size(max = 3) List<String> extra) {
    if (id.isEmpty()) {
      return;
    }
    Nip46Request r = new Nip46Request.Nip44Encrypt(id, "b".repeat(64), text);
    assertThat(Nip46Codec.parseRequest(Nip46Codec.toJson(r))).isEqualTo(r);
    Nip46Request u = new Nip46Request.Unknown(id, text, extra);
    if (Nip46Method.fromWireName(text).isEmpty()) {
      assertThat(Nip46Codec.parseRequest(Nip46Codec.toJson(u))).isEqualTo(u);
    }
    Nip46Response e = new Nip46Response.Error(id, text.isEmpty() ? "x" : text);
    assertThat(Nip46Codec.parseResponse(Nip46Codec.toJson(e))).isEqualTo(e);
  }

  /**
   * The response written straight to UTF-8 is JSON.stringify's text, byte for byte, and reads back.
   */
  @Property(tries = 500)
  void responseToUtf8_isStringifysText_andReadsBack(@ForAll String id, @ForAll String text) {
    List<Nip46Response> responses =
        List.of(
            new Nip46Response.Ok(id, text),
            new Nip46Response.Error(id, text.isEmpty() ? "x" : text),
            new Nip46Response.AuthUrl(id, text));
    for (Nip46Response r : responses) {
      String expected =
          switch (r) {
            case Nip46Response.Ok ok ->
                "{\"id\":"
                    + NostrEvents.jsonString(id)
                    + ",\"result\":"
                    + NostrEvents.jsonString(text)
                    + "}";
            case Nip46Response.Error err ->
                "{\"id\":"
                    + NostrEvents.jsonString(id)
                    + ",\"error\":"
                    + NostrEvents.jsonString(err.error())
                    + "}";
            case Nip46Response.AuthUrl auth ->
                "{\"id\":"
                    + NostrEvents.jsonString(id)
                    + ",\"result\":\"auth_url\",\"error\":"
                    + NostrEvents.jsonString(text)
                    + "}";
          };
      byte[] utf8 = Nip46Codec.toUtf8(r);
      assertThat(utf8).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
      assertThat(Nip46Codec.toJson(r)).isEqualTo(expected);
      if (!id.isEmpty() && !(r instanceof Nip46Response.AuthUrl)) {
        assertThat(Nip46Codec.parseResponse(Nip46Codec.toJson(r))).isEqualTo(r);
      }
    }
  }

  @Property(tries = 300)
  void parseTemplate_mutatedValidTemplate_streamedAgreesWithTree(
      @ForAll("validTemplate") String json, @ForAll("positions") int pos, @ForAll char c) {
    StringBuilder sb = new StringBuilder(json);
    int i = Math.floorMod(pos, sb.length());
    sb.setCharAt(i, c);
    for (String in : List.of(json, sb.toString(), json.substring(0, i))) {
      Object tree = StreamedReadersProperties.outcome(() -> EventJson.parseTemplateTree(in));
      assertThat(StreamedReadersProperties.outcome(() -> EventJson.parseTemplate(in)))
          .as(in)
          .isEqualTo(tree);
      if (!(tree instanceof EventTemplate)) {
        assertThat(StreamedRequestBody.template(in)).as(in).isNull();
      }
    }
  }

  private static void onlyFormatException(String input) {
    Object tree = StreamedReadersProperties.outcome(() -> Nip46Codec.parseRequestTree(input));
    Object api = StreamedReadersProperties.outcome(() -> Nip46Codec.parseRequest(input));
    assertThat(api).as(input).isEqualTo(tree);
    if (api instanceof List<?> failure) {
      assertThat(failure.get(0)).as(input).isEqualTo(Nip46FormatException.class);
    }
    try {
      Nip46Codec.parseResponse(input);
    } catch (Nip46FormatException expected) {
      // the declared failure
    }
    for (java.util.function.Consumer<String> parser :
        List.<java.util.function.Consumer<String>>of(
            PermissionSet::parse,
            EventJson::parse,
            EventJson::parseTemplate,
            RelayMessages::parseClientMessage,
            RelayMessages::parseRelayMessage,
            Filter::fromJson,
            BunkerUri::parse,
            NostrConnectUri::parse)) {
      try {
        parser.accept(input);
      } catch (NostrFormatException expected) {
        // the declared failure
      }
    }
  }

  @Property(tries = 300)
  void uriParsers_randomQueries_onlyFormatException(
      @ForAll("uriPieces") List<String> pieces, @ForAll boolean bunker) {
    String uri =
        (bunker ? "bunker://" : "nostrconnect://")
            + "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798?"
            + String.join("&", pieces);
    try {
      if (bunker) {
        BunkerUri.parse(uri);
      } else {
        NostrConnectUri.parse(uri);
      }
    } catch (InvalidConnectUriException expected) {
      // the declared failure
    }
  }

  @Provide
  Arbitrary<List<String>> uriPieces() {
    Arbitrary<String> key =
        Arbitraries.of("relay", "secret", "perms", "name", "url", "image", "icon", "metadata", "x");
    Arbitrary<String> value =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(12),
            Arbitraries.of(
                "wss://r",
                "ws%3A%2F%2Fr",
                "%",
                "%zz",
                "%7B%7D",
                "%7B%22icons%22%3A%5B%5D%7D",
                "sign_event:1",
                "sign_event:x",
                "https://x",
                "%5B",
                "wss://"));
    return net.jqwik.api.Combinators.combine(key, value)
        .as((k, v) -> k + "=" + v)
        .list()
        .ofMaxSize(6);
  }

  @Provide
  Arbitrary<Integer> positions() {
    return Arbitraries.integers().between(0, 10_000);
  }

  @Provide
  Arbitrary<String> validRequest() {
    return Arbitraries.of(
        "{\"id\":\"1\",\"method\":\"connect\",\"params\":[\""
            + "a".repeat(64)
            + "\",\"s\",\"sign_event:1\"]}",
        "{\"id\":\"1\",\"method\":\"sign_event\",\"params\":[\"{\\\"kind\\\":1,\\\"content\\\":\\\"x\\\",\\\"tags\\\":[],\\\"created_at\\\":1}\"]}",
        "{\"id\":\"1\",\"method\":\"nip44_decrypt\",\"params\":[\""
            + "a".repeat(64)
            + "\",\"AgAB\"]}",
        "{\"id\":\"1\",\"result\":\"auth_url\",\"error\":\"https://x\"}");
  }

  @Provide
  Arbitrary<String> validTemplate() {
    return Arbitraries.of(
        "{\"kind\":1,\"content\":\"x \\\"y\\\" \\u00e9\",\"tags\":[[\"p\",\"ab\"],[]],\"created_at\":1700000000}",
        "{\"created_at\":0,\"content\":\"\",\"kind\":65535,\"pubkey\":\"ab\",\"x\":[1,{\"y\":null}]}",
        "{\"kind\":7,\"tags\":[],\"content\":\"+\",\"created_at\":12}");
  }

  @Provide
  Arbitrary<String> json() {
    return jsonValue(3);
  }

  private static Arbitrary<String> jsonValue(int depth) {
    Arbitrary<String> scalar =
        Arbitraries.oneOf(
            Arbitraries.strings()
                .ofMaxLength(8)
                .map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""),
            Arbitraries.of(
                "\"id\"",
                "\"method\"",
                "\"params\"",
                "\"ping\"",
                "\"sign_event\"",
                "\"connect\"",
                "\"nip44_encrypt\"",
                "\"result\"",
                "\"error\"",
                "\"auth_url\"",
                "\"kind\"",
                "\"created_at\""),
            Arbitraries.integers().map(String::valueOf),
            Arbitraries.of(
                "null", "true", "false", "1.5", "1e400", "-0", "99999999999999999999999"));
    if (depth == 0) {
      return scalar;
    }
    Arbitrary<String> array =
        jsonValue(depth - 1).list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]");
    Arbitrary<String> key = Arbitraries.of("id", "method", "params", "result", "error", "x");
    Arbitrary<String> object =
        net.jqwik.api.Combinators.combine(key, jsonValue(depth - 1))
            .as((k, v) -> "\"" + k + "\":" + v)
            .list()
            .ofMaxSize(4)
            .map(l -> "{" + String.join(",", l) + "}");
    return Arbitraries.oneOf(scalar, array, object);
  }
}
