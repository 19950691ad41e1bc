package dev.keycast.nip46;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.SchnorrSigner;
import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.crypto.UnsignedEvent;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RelayMessagesTest {
  private static final SecretKey SK = SecretKey.generate();
  private static final String OTHER = SecretKey.generate().publicKey().toHex();

  static SignedEvent event(int kind, long createdAt, List<List<String>> tags, String content) {
    return NostrEvents.sign(
        new UnsignedEvent(SK.publicKey(), createdAt, kind, tags, content),
        SchnorrSigner.create(SK));
  }

  @Test
  void eventJson_roundTrip_keepsIdValid() throws Exception {
    SignedEvent e =
        event(
            1,
            1_700_000_000L,
            List.of(List.of("p", OTHER), List.of("t", "é\n\u0001")),
            "hi \"there\"\u2028");
    SignedEvent back = EventJson.parse(EventJson.toJson(e));
    assertThat(back).isEqualTo(e);
    NostrEvents.verify(back);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "id",
        "pubkey",
        "sig",
        "kind",
        "created_at",
        "tags",
        "content",
      })
  void eventJson_missingField_throws(String field) {
    String json =
        event(1, 5, List.of(), "x").toJson().replace("\"" + field + "\"", "\"x" + field + "\"");
    assertThatThrownBy(() -> EventJson.parse(json)).isInstanceOf(NostrFormatException.class);
  }

  @Test
  void eventJson_wrongTypes_throw() {
    String ok = event(1, 5, List.of(List.of("a")), "x").toJson();
    for (String bad :
        List.of(
            ok.replace("\"kind\":1", "\"kind\":\"1\""),
            ok.replace("\"kind\":1", "\"kind\":1.0"),
            ok.replace("\"kind\":1", "\"kind\":65536"),
            ok.replace("\"created_at\":5", "\"created_at\":-5"),
            ok.replace("\"created_at\":5", "\"created_at\":1e3"),
            ok.replace("[[\"a\"]]", "[[1]]"),
            ok.replace("[[\"a\"]]", "[\"a\"]"),
            ok.replace("\"content\":\"x\"", "\"content\":null"),
            ok.replaceFirst("\"id\":\"(.)", "\"id\":\"A"),
            "[" + ok + "]")) {
      assertThatThrownBy(() -> EventJson.parse(bad))
          .as(bad)
          .isInstanceOf(NostrFormatException.class);
    }
  }

  @Test
  void clientMessages_roundTrip() {
    SignedEvent e = event(24133, 10, List.of(List.of("p", OTHER)), "c");
    Filter f =
        Filter.builder()
            .kinds(24133)
            .tag('p', List.of(OTHER))
            .since(100)
            .until(200)
            .limit(5)
            .ids(List.of(e.id()))
            .authors(List.of(e.pubkey()))
            .build();
    for (ClientMessage m :
        List.of(
            new ClientMessage.Event(e),
            new ClientMessage.Req("sub1", List.of(f, Filter.builder().build())),
            new ClientMessage.Close("sub1"))) {
      assertThat(RelayMessages.parseClientMessage(RelayMessages.toJson(m))).isEqualTo(m);
    }
    assertThat(f.toJson())
        .isEqualTo(
            "{\"ids\":[\""
                + e.id()
                + "\"],\"authors\":[\""
                + e.pubkey()
                + "\"],\"kinds\":[24133],\"#p\":[\""
                + OTHER
                + "\"],\"since\":100,\"until\":200,\"limit\":5}");
  }

  @Test
  void relayMessages_roundTrip() {
    SignedEvent e = event(1, 10, List.of(), "c");
    for (RelayMessage m :
        List.of(
            new RelayMessage.Event("s", e),
            new RelayMessage.Ok(e.id(), false, "invalid: bad signature"),
            new RelayMessage.Eose("s"),
            new RelayMessage.Closed("s", "error: x"),
            new RelayMessage.Notice("hello"),
            new RelayMessage.Auth("chal"))) {
      assertThat(RelayMessages.parseRelayMessage(RelayMessages.toJson(m))).isEqualTo(m);
    }
    assertThat(RelayMessages.parseRelayMessage("[\"OK\",\"x\",true]"))
        .isEqualTo(new RelayMessage.Ok("x", true, ""));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "{}",
        "[]",
        "[1]",
        "[\"FOO\",1]",
        "[\"REQ\",\"s\"]",
        "[\"REQ\",1,{}]",
        "[\"REQ\",\"\",{}]",
        "[\"REQ\",\"s\",[]]",
        "[\"REQ\",\"s\",{\"kinds\":[\"1\"]}]",
        "[\"REQ\",\"s\",{\"#p\":[1]}]",
        "[\"REQ\",\"s\",{\"since\":\"1\"}]",
        "[\"REQ\",\"s\",{\"limit\":-1}]",
        "[\"CLOSE\"]",
        "[\"EVENT\",{}]",
        "[\"EVENT\",\"s\",{}]",
      })
  void parseClientMessage_bad_throws(String json) {
    assertThatThrownBy(() -> RelayMessages.parseClientMessage(json))
        .isInstanceOf(NostrFormatException.class);
  }

  @Test
  void filter_matches_allComponents() {
    SignedEvent e =
        event(24133, 100, List.of(List.of("p", OTHER), List.of("e", "x".repeat(3))), "c");
    assertThat(Filter.builder().build().matches(e)).isTrue();
    assertThat(
            Filter.builder()
                .kinds(24133)
                .tag('p', List.of(OTHER))
                .since(100)
                .until(100)
                .build()
                .matches(e))
        .isTrue();
    assertThat(Filter.builder().kinds(1).build().matches(e)).isFalse();
    assertThat(Filter.builder().kinds(List.of()).build().matches(e)).isFalse();
    assertThat(Filter.builder().since(101).build().matches(e)).isFalse();
    assertThat(Filter.builder().until(99).build().matches(e)).isFalse();
    assertThat(Filter.builder().tag('p', List.of("nope")).build().matches(e)).isFalse();
    assertThat(Filter.builder().tag('e', List.of("xxx")).build().matches(e)).isTrue();
    assertThat(
            Filter.builder().tag('e', List.of("xxx")).tag('p', List.of("nope")).build().matches(e))
        .isFalse();
    assertThat(Filter.builder().authors(List.of(OTHER)).build().matches(e)).isFalse();
    assertThat(
            Filter.builder().authors(List.of(e.pubkey())).ids(List.of(e.id())).build().matches(e))
        .isTrue();
  }
}
