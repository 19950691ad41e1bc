package dev.keycast.nip46;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.crypto.SignedEvent;
import java.nio.CharBuffer;
import java.util.List;
import java.util.concurrent.Callable;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The fast readers built on {@link JsonCursor} against the tree path, on valid messages edited at
 * random (a character replaced, a JSON fragment inserted, the text cut): wherever the tree path
 * accepts, the fast path gives the same value or declines; wherever it refuses, the fast path
 * declines, so the caller's error is the tree path's.
 */
class StreamedReadersProperties {
  private static final SignedEvent EVENT =
      RelayMessagesTest.event(
          24133,
          1_700_000_000L,
          List.of(List.of("p", "ab".repeat(32)), List.of("t", "é\n\"\\")),
          "hi \"there\" \ud83d\ude00");

  @Property(tries = 1500)
  void relayEvent_editedAtRandom_agreesWithTree(
      @ForAll("eventMessage") String valid,
      @ForAll("positions") int pos,
      @ForAll("edits") String edit,
      @ForAll("modes") int mode) {
    String in = edited(valid, pos, edit, mode);
    Object tree = outcome(() -> RelayMessages.parseRelayMessageTree(in));
    RelayMessage.Event fast = StreamedRelayMessages.parse(in);
    if (fast != null) {
      assertThat(fast).as(in).isEqualTo(tree);
    } else if (tree instanceof RelayMessage.Event && in.startsWith("[\"EVENT\",")) {
      // a decline where the tree accepts is allowed (unusual input), but not for the valid ones
      assertThat(mode).as("declined a valid message: " + in).isNotEqualTo(MODE_NONE);
    }
    assertThat(outcome(() -> RelayMessages.parseRelayMessage(in))).as(in).isEqualTo(tree);
    assertThat(outcome(() -> RelayMessages.parseRelayMessage(CharBuffer.wrap(in.toCharArray()))))
        .as(in)
        .isEqualTo(tree);
    String client = in.replaceFirst("^\\[\"EVENT\",\"sub-1\",", "[\"EVENT\",");
    Object clientTree = outcome(() -> RelayMessages.parseClientMessageTree(client));
    assertThat(outcome(() -> RelayMessages.parseClientMessage(client)))
        .as(client)
        .isEqualTo(clientTree);
  }

  @Property(tries = 1000)
  void relayOk_editedAtRandom_agreesWithTree(
      @ForAll("okMessage") String valid,
      @ForAll("positions") int pos,
      @ForAll("edits") String edit,
      @ForAll("modes") int mode) {
    String in = edited(valid, pos, edit, mode);
    Object tree = outcome(() -> RelayMessages.parseRelayMessageTree(in));
    RelayMessage.Ok fast = StreamedRelayMessages.parseOk(in);
    if (fast != null) {
      assertThat(fast).as(in).isEqualTo(tree);
    }
    if (mode == MODE_NONE) {
      assertThat(fast).as(in).isNotNull();
    }
    assertThat(outcome(() -> RelayMessages.parseRelayMessage(in))).as(in).isEqualTo(tree);
    assertThat(outcome(() -> RelayMessages.parseRelayMessage(CharBuffer.wrap(in.toCharArray()))))
        .as(in)
        .isEqualTo(tree);
  }

  @Property(tries = 1500)
  void requestBody_editedAtRandom_agreesWithTree(
      @ForAll("requestBody") String valid,
      @ForAll("positions") int pos,
      @ForAll("edits") String edit,
      @ForAll("modes") int mode) {
    String in = edited(valid, pos, edit, mode);
    Object tree = outcome(() -> Nip46Codec.parseRequestTree(in));
    assertThat(outcome(() -> Nip46Codec.parseRequest(in))).as(in).isEqualTo(tree);
    if (mode == MODE_NONE) {
      assertThat(StreamedRequestBody.request(in)).as(in).isNotNull();
    }
  }

  private static final int MODE_NONE = 0;

  private static String edited(String valid, int pos, String edit, int mode) {
    int i = Math.floorMod(pos, valid.length());
    return switch (mode) {
      case MODE_NONE -> valid;
      case 1 -> valid.substring(0, i) + edit + valid.substring(i + 1); // replace a char
      case 2 -> valid.substring(0, i) + edit + valid.substring(i); // insert
      default -> valid.substring(0, i); // cut
    };
  }

  /**
   * What a parse gives, to compare two paths: its value, or its exception's class, message and (for
   * a {@link Nip46FormatException}) request id.
   */
  static Object outcome(Callable<?> parse) {
    try {
      return parse.call();
    } catch (Nip46FormatException e) {
      return List.of(e.getClass(), String.valueOf(e.getMessage()), String.valueOf(e.requestId()));
    } catch (Exception e) {
      return List.of(e.getClass(), String.valueOf(e.getMessage()));
    }
  }

  @Provide
  Arbitrary<String> eventMessage() {
    String ev = EVENT.toJson();
    return Arbitraries.of(
        "[\"EVENT\",\"sub-1\"," + ev + "]",
        "[\"EVENT\",\"sub-1\","
            + ev.replace(
                "{\"id\"", "{\"x\":{\"a\":[1,-2.5e3,true,null,{}],\"b\":\"\\u0041\"},\"id\"")
            + "]",
        "[\"EVENT\" , \"sub-1\",\n" + ev.replace(",\"content\"", ",\"\\u0063ontent\"") + " ]");
  }

  @Provide
  Arbitrary<String> okMessage() {
    return Arbitraries.of(
        "[\"OK\",\"" + EVENT.id() + "\",true,\"\"]",
        "[\"OK\",\"" + EVENT.id() + "\",false,\"blocked: \\\"x\\\"\"]",
        "[\"OK\", \"" + EVENT.id() + "\" , true ]");
  }

  @Provide
  Arbitrary<String> requestBody() {
    String template = new EventTemplate(1, "x \"y\"", List.of(List.of("t", "z")), 5L).toJson();
    return Arbitraries.of(
        Nip46Codec.toJson(new Nip46Request.SignEvent("r1", template)),
        "{\"id\":\"r2\",\"method\":\"nip44_encrypt\",\"params\":[\""
            + "a".repeat(64)
            + "\",\"t\\u00e9\"],\"extra\":[1,{\"k\":false}]}",
        "{ \"method\" : \"ping\" , \"id\" : \"r3\" }");
  }

  @Provide
  Arbitrary<Integer> positions() {
    return Arbitraries.integers().between(0, 10_000);
  }

  @Provide
  Arbitrary<Integer> modes() {
    return Arbitraries.integers().between(0, 3);
  }

  @Provide
  Arbitrary<String> edits() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            "\"",
            "\\",
            "\\u",
            "\\u00",
            "\\x",
            "\\/",
            ",",
            ":",
            "{",
            "}",
            "[",
            "]",
            " ",
            "\n",
            "\t",
            "\u0000",
            "\u001f",
            "\u00a0",
            "\ufeff",
            "\ud800",
            "0",
            "01",
            "-",
            "-0",
            "1.5",
            "1e3",
            "1E+2",
            "9223372036854775807",
            "99999999999999999999",
            "true",
            "nul",
            "null",
            "x",
            "\"id\":\"a\",",
            "\"kind\":1,",
            "\"tags\":[],",
            "\"q\":{\"a\":1,\"a\":2},",
            "[[[[",
            "\"\\u0069d\":\"b\",",
            "false",
            "fals"),
        Arbitraries.chars().map(String::valueOf));
  }
}
