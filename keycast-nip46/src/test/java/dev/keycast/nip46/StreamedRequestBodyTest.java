package dev.keycast.nip46;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.keycast.crypto.NostrEvents;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The streamed request-body and template readers take the bodies clients send and give what the
 * tree path gives; where the tree path refuses, they decline, so the error (and its request id) is
 * the tree path's. {@link Nip46CodecProperties} fuzzes the same agreement.
 */
class StreamedRequestBodyTest {
  private static final String TEMPLATE =
      "{\"kind\":1,\"content\":\"hi \\\"there\\\"\\n\\u00e9 \\ud83d\\ude00\","
          + "\"tags\":[[\"p\",\""
          + "ab".repeat(32)
          + "\"],[],[\"t\",\"x\"]],"
          + "\"created_at\":1700000000}";

  private static String signEvent(String template) {
    return "{\"id\":\"r1\",\"method\":\"sign_event\",\"params\":["
        + NostrEvents.jsonString(template)
        + "]}";
  }

  @Test
  void wellFormed_streamedAccepts_andEqualsTree() {
    List<String> requests =
        List.of(
            signEvent(TEMPLATE),
            signEvent(TEMPLATE.replace("{\"kind\"", "{\"pubkey\":\"x\",\"y\":[1,{}],\"kind\"")),
            signEvent("{\"kind\":0,\"content\":\"\",\"created_at\":0}"),
            "{\"id\":\"r2\",\"method\":\"nip44_encrypt\",\"params\":[\""
                + "AB".repeat(32)
                + "\",\"text\"]}",
            "{\"method\":\"ping\",\"id\":\"r3\"}",
            "{\"id\":\"r4\",\"method\":\"ping\",\"params\":[],\"extra\":{\"a\":[null,1.5]}}",
            " {\"id\" : \"r5\" ,\n \"method\":\"no_such\",\"params\":[\"a\",\"b\"]} \n",
            "{\"id\":\"r6\",\"method\":\"connect\",\"params\":[\""
                + "a".repeat(64)
                + "\",\"secret\",\"sign_event:1,nip44_encrypt\"]}");
    for (String in : requests) {
      assertThat(StreamedRequestBody.request(in)).as(in).isNotNull();
      assertThat(Nip46Codec.parseRequest(in)).as(in).isEqualTo(Nip46Codec.parseRequestTree(in));
    }
    assertThat(StreamedRequestBody.template(TEMPLATE)).isNotNull();
    assertThat(EventJson.parseTemplate(TEMPLATE)).isEqualTo(EventJson.parseTemplateTree(TEMPLATE));
    assertThat(EventJson.parseTemplate(TEMPLATE).content())
        .isEqualTo("hi \"there\"\né \ud83d\ude00");
  }

  @Test
  void malformed_streamedDeclines_errorAndIdAreTheTreePaths() {
    List<String> requests =
        List.of(
            "{\"id\":\"r1\",\"id\":\"r2\",\"method\":\"ping\"}", // duplicate key
            "{\"id\":\"r1\",\"method\":\"ping\",\"x\":{\"a\":1,\"a\":2}}", // nested duplicate
            "{\"id\":\"\",\"method\":\"ping\"}",
            "{\"id\":1,\"method\":\"ping\"}",
            "{\"id\":\"r1\"}",
            "{\"id\":\"r1\",\"method\":7}",
            "{\"id\":\"r1\",\"method\":\"ping\",\"params\":null}",
            "{\"id\":\"r1\",\"method\":\"ping\",\"params\":[1]}",
            "{\"id\":\"r1\",\"method\":\"ping\"}x",
            "{\"id\":\"r1\",\"method\":\"ping\"",
            "[\"r1\",\"ping\"]",
            "{\"id\":\"r1\",\"method\":\"ping\",\"d\":" + "[".repeat(40) + "]".repeat(40) + "}",
            "{\"id\":\"r1\",\"method\":\"nip44_encrypt\",\"params\":[\"zz\",\"t\"]}",
            signEvent(TEMPLATE.replace("\"kind\":1", "\"kind\":1.0")),
            signEvent(TEMPLATE.replace("\"kind\":1", "\"kind\":65536")),
            signEvent(TEMPLATE.replace("\"kind\":1", "\"kind\":-1")),
            signEvent(TEMPLATE.replace("\"created_at\":1700000000", "\"created_at\":1e9")),
            signEvent(TEMPLATE.replace("\"created_at\":1700000000", "\"created_at\":null")),
            signEvent(TEMPLATE.replace("\"tags\":[", "\"tags\":[1,")),
            signEvent(TEMPLATE.replace("\"tags\":[[\"p\"", "\"tags\":[[null")),
            signEvent(TEMPLATE.replace("\"content\":", "\"c\":")),
            signEvent(TEMPLATE.replace("{\"kind\":1,", "{\"kind\":1,\"kind\":2,")),
            signEvent(TEMPLATE + " 1"));
    for (String in : requests) {
      // the body's shape is wrong (not its parameters): the streamed reader declines it
      boolean shapeWrong = !in.contains("sign_event") && !in.contains("\"zz\"");
      if (shapeWrong) {
        assertThat(StreamedRequestBody.request(in)).as(in).isNull();
      }
      Nip46FormatException tree =
          catchThrowableOfType(Nip46FormatException.class, () -> Nip46Codec.parseRequestTree(in));
      Nip46FormatException api =
          catchThrowableOfType(Nip46FormatException.class, () -> Nip46Codec.parseRequest(in));
      assertThat(tree).as(in).isNotNull();
      assertThat(api).as(in).isNotNull();
      assertThat(api.getMessage()).as(in).isEqualTo(tree.getMessage());
      assertThat(api.requestId()).as(in).isEqualTo(tree.requestId());
    }
  }
}
