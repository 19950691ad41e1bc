package dev.keycast.nip46;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Nip46CodecTest {
  private static final String PK = "a".repeat(64);

  @Test
  void parseRequest_everyMethod_parsesToItsRecord() {
    assertThat(Nip46Codec.parseRequest("{\"id\":\"1\",\"method\":\"ping\",\"params\":[]}"))
        .isEqualTo(new Nip46Request.Ping("1"));
    assertThat(Nip46Codec.parseRequest("{\"id\":\"1\",\"method\":\"get_public_key\"}"))
        .isEqualTo(new Nip46Request.GetPublicKey("1"));
    assertThat(Nip46Codec.parseRequest("{\"id\":\"1\",\"method\":\"switch_relays\",\"params\":[]}"))
        .isEqualTo(new Nip46Request.SwitchRelays("1"));
    assertThat(Nip46Codec.parseRequest("{\"id\":\"1\",\"method\":\"logout\",\"params\":[]}"))
        .isEqualTo(new Nip46Request.Logout("1"));
    assertThat(Nip46Codec.parseRequest(req("nip04_encrypt", PK, "hi")))
        .isEqualTo(new Nip46Request.Nip04Encrypt("1", PK, "hi"));
    assertThat(Nip46Codec.parseRequest(req("nip04_decrypt", PK, "x?iv=y")))
        .isEqualTo(new Nip46Request.Nip04Decrypt("1", PK, "x?iv=y"));
    assertThat(Nip46Codec.parseRequest(req("nip44_encrypt", PK, "hi")))
        .isEqualTo(new Nip46Request.Nip44Encrypt("1", PK, "hi"));
    assertThat(Nip46Codec.parseRequest(req("nip44_decrypt", PK.toUpperCase(), "AgAA")))
        .isEqualTo(new Nip46Request.Nip44Decrypt("1", PK, "AgAA"));
    assertThat(Nip46Codec.parseRequest(req("frobnicate", "x")))
        .isEqualTo(new Nip46Request.Unknown("1", "frobnicate", List.of("x")));
  }

  @Test
  void parseRequest_connect_readsOptionalParams() {
    var c =
        (Nip46Request.Connect)
            Nip46Codec.parseRequest(
                req("connect", PK, "s3cret", "nip44_encrypt,sign_event:4", "{\"name\":\"app\"}"));
    assertThat(c.signerPubkey()).isEqualTo(PK);
    assertThat(c.secret()).isEqualTo("s3cret");
    assertThat(c.perms())
        .isEqualTo(
            PermissionSet.of(Permission.of(Nip46Method.NIP44_ENCRYPT), Permission.signEvent(4)));
    assertThat(c.metadataJson()).isEqualTo("{\"name\":\"app\"}");
    assertThat(c.toString()).doesNotContain("s3cret");

    var empty = (Nip46Request.Connect) Nip46Codec.parseRequest(req("connect", ""));
    assertThat(empty.signerPubkey()).isNull();
    assertThat(empty.secret()).isNull();
    assertThat(empty.perms().isEmpty()).isTrue();
    assertThat(empty.metadataJson()).isNull();
  }

  @Test
  void parseRequest_signEvent_parsesTemplate() {
    String tmpl =
        "{\"kind\":1,\"content\":\"hello\",\"tags\":[[\"t\",\"x\"]],\"created_at\":1700000000,\"pubkey\":\"z\"}";
    var s = (Nip46Request.SignEvent) Nip46Codec.parseRequest(req("sign_event", tmpl));
    assertThat(s.template())
        .isEqualTo(new EventTemplate(1, "hello", List.of(List.of("t", "x")), 1700000000L));
  }

  @Test
  void requests_roundTrip() {
    List<Nip46Request> all =
        List.of(
            new Nip46Request.Connect(
                "a", PK, "sec", PermissionSet.parse("sign_event:1,ping"), "{\"name\":\"n\"}"),
            new Nip46Request.Connect("b", PK, null, PermissionSet.empty(), null),
            new Nip46Request.Connect("c", null, null, PermissionSet.empty(), null),
            new Nip46Request.GetPublicKey("d"),
            new Nip46Request.SignEvent(
                "e",
                new EventTemplate(7, "+\n\"é\u0001", List.of(List.of("e", "x"), List.of()), 5)),
            new Nip46Request.Ping("f"),
            new Nip46Request.Nip04Encrypt("g", PK, "p"),
            new Nip46Request.Nip04Decrypt("h", PK, "c"),
            new Nip46Request.Nip44Encrypt("i", PK, "p"),
            new Nip46Request.Nip44Decrypt("j", PK, "c"),
            new Nip46Request.SwitchRelays("k"),
            new Nip46Request.Logout("l"),
            new Nip46Request.Unknown("m", "get_relays", List.of("1", "2")));
    for (Nip46Request r : all) {
      assertThat(Nip46Codec.parseRequest(Nip46Codec.toJson(r))).as(r.toString()).isEqualTo(r);
    }
  }

  @Test
  void toJson_response_wireShapes() {
    assertThat(Nip46Codec.toJson(new Nip46Response.Ok("1", "pong")))
        .isEqualTo("{\"id\":\"1\",\"result\":\"pong\"}");
    assertThat(Nip46Codec.toJson(new Nip46Response.Error("1", "unauthorized")))
        .isEqualTo("{\"id\":\"1\",\"error\":\"unauthorized\"}");
    assertThat(Nip46Codec.toJson(new Nip46Response.AuthUrl("1", "https://x/y?z=1")))
        .isEqualTo("{\"id\":\"1\",\"result\":\"auth_url\",\"error\":\"https://x/y?z=1\"}");
  }

  @Test
  void responses_roundTrip() {
    for (Nip46Response r :
        List.of(
            new Nip46Response.Ok("1", "pong"),
            new Nip46Response.Error("2", "unauthorized"),
            new Nip46Response.AuthUrl("3", "https://auth"))) {
      assertThat(Nip46Codec.parseResponse(Nip46Codec.toJson(r))).isEqualTo(r);
    }
  }

  @Test
  void parseResponse_clientVariants() {
    assertThat(Nip46Codec.parseResponse("{\"id\":\"1\",\"result\":\"\",\"error\":\"nope\"}"))
        .isEqualTo(new Nip46Response.Error("1", "nope"));
    assertThat(Nip46Codec.parseResponse("{\"id\":\"1\",\"result\":\"ack\",\"error\":\"\"}"))
        .isEqualTo(new Nip46Response.Ok("1", "ack"));
    assertThat(Nip46Codec.parseResponse("{\"id\":\"1\",\"result\":\"ack\",\"error\":null}"))
        .isEqualTo(new Nip46Response.Ok("1", "ack"));
    assertThatThrownBy(() -> Nip46Codec.parseResponse("{\"id\":\"1\"}"))
        .isInstanceOf(Nip46FormatException.class);
    assertThatThrownBy(() -> Nip46Codec.parseResponse("{\"id\":\"1\",\"result\":5}"))
        .isInstanceOf(Nip46FormatException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"id\":\"7\",\"method\":5}",
        "{\"id\":\"7\",\"method\":\"ping\",\"params\":[1]}",
        "{\"id\":\"7\",\"method\":\"ping\",\"params\":\"x\"}",
        "{\"id\":\"7\",\"method\":\"ping\",\"params\":null}",
        "{\"id\":\"7\",\"method\":\"ping\",\"params\":[null]}",
        "{\"id\":\"7\",\"method\":\"nip44_encrypt\",\"params\":[\"zz\",\"x\"]}",
        "{\"id\":\"7\",\"method\":\"nip44_encrypt\",\"params\":[\"" + "a" + "\"]}",
        "{\"id\":\"7\",\"method\":\"sign_event\",\"params\":[]}",
        "{\"id\":\"7\",\"method\":\"sign_event\",\"params\":[\"{\\\"kind\\\":\\\"1\\\",\\\"content\\\":\\\"\\\",\\\"created_at\\\":1}\"]}",
        "{\"id\":\"7\",\"method\":\"sign_event\",\"params\":[\"{\\\"kind\\\":1.5,\\\"content\\\":\\\"\\\",\\\"created_at\\\":1}\"]}",
        "{\"id\":\"7\",\"method\":\"sign_event\",\"params\":[\"{\\\"kind\\\":70000,\\\"content\\\":\\\"\\\",\\\"created_at\\\":1}\"]}",
        "{\"id\":\"7\",\"method\":\"sign_event\",\"params\":[\"{\\\"kind\\\":1,\\\"content\\\":\\\"\\\",\\\"created_at\\\":-1}\"]}",
        "{\"id\":\"7\",\"method\":\"sign_event\",\"params\":[\"{\\\"kind\\\":1,\\\"content\\\":\\\"\\\"}\"]}",
        "{\"id\":\"7\",\"method\":\"sign_event\",\"params\":[\"{\\\"kind\\\":1,\\\"content\\\":\\\"\\\",\\\"created_at\\\":1,\\\"tags\\\":[[1]]}\"]}",
        "{\"id\":\"7\",\"method\":\"sign_event\",\"params\":[\"[]\"]}",
        "{\"id\":\"7\",\"method\":\"connect\",\"params\":[\"x\",\"s\",\"sign_event:abc\"]}",
        "{\"id\":\"7\",\"method\":\"connect\",\"params\":[\"x\",\"s\",\"ping:1\"]}",
        "{\"id\":\"7\"}",
        "{\"id\":\"\",\"method\":\"ping\"}",
      })
  void parseRequest_malformedWithId_throwsCarryingId(String json) {
    var e = catchThrowableOfType(Nip46FormatException.class, () -> Nip46Codec.parseRequest(json));
    assertThat(e).as(json).isNotNull();
    if (!json.contains("\"id\":\"\"")) {
      assertThat(e.requestId()).isEqualTo("7");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "null",
        "[]",
        "\"x\"",
        "{",
        "{\"id\":7,\"method\":\"ping\"}",
        "{\"method\":\"ping\"}",
        "{\"id\":\"1\",\"method\":\"ping\"} x",
        "{\"id\":\"1\",\"id\":\"2\",\"method\":\"ping\"}",
        "{\"id\":\"1\",\"method\":\"ping\",\"params\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
      })
  void parseRequest_malformedWithoutId_throwsWithoutId(String json) {
    var e = catchThrowableOfType(Nip46FormatException.class, () -> Nip46Codec.parseRequest(json));
    assertThat(e).as(json).isNotNull();
    if (!json.startsWith("{\"id\":\"1\"")) {
      assertThat(e.requestId()).isNull();
    }
  }

  private static String req(String method, String... params) {
    return Nip46Codec.toJson(new Nip46Request.Unknown("1", method, List.of(params)));
  }
}
