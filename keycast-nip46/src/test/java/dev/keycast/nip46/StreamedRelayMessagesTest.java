package dev.keycast.nip46;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.keycast.crypto.SignedEvent;
import java.nio.CharBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The streamed EVENT reader agrees with the tree path on every input: the same event where both
 * accept it, and the tree path's own error (the streamed reader declines) wherever the tree path
 * refuses.
 */
class StreamedRelayMessagesTest {
  private static final SignedEvent EVENT =
      RelayMessagesTest.event(
          24133,
          1_700_000_000L,
          List.of(List.of("p", "ab".repeat(32)), List.of("t", "é\n\u0001\"\\"), List.of()),
          "hi \"there\"\u2028 \ud83d\ude00 \\u0041");

  private static String message(String eventJson) {
    return "[\"EVENT\",\"sub-1\"," + eventJson + "]";
  }

  /** Inputs the tree path accepts, with what the streamed one must return. */
  @Test
  void wellFormed_streamedEqualsTree() {
    String ev = EVENT.toJson();
    List<String> inputs = new ArrayList<>();
    inputs.add(message(ev));
    inputs.add(message(ev.replace("{\"id\"", "{\"extra\":{\"a\":[1,2,{\"b\":null}]},\"id\"")));
    inputs.add(message(ev.replace(",\"sig\"", ",\"x\":1.5,\"y\":[],\"z\":\"s\",\"sig\"")));
    inputs.add(message(ev.replace(":", " : ").replace(",", " ,\n ")));
    inputs.add(message(ev) + " \n");
    inputs.add(message(ev.replace("\"kind\":24133", "\"kind\":-0")));
    inputs.add(message(ev.replace("\"tags\":[", "\"tags\":[ ")));
    for (String in : inputs) {
      RelayMessage tree = RelayMessages.parseRelayMessageTree(in);
      assertThat(tree).as(in).isInstanceOf(RelayMessage.Event.class);
      assertThat(StreamedRelayMessages.parse(in)).as(in).isEqualTo(tree);
      assertThat(RelayMessages.parseRelayMessage(in)).as(in).isEqualTo(tree);
      // as a WebSocket client's decode buffer (read in place, at an offset) and as a builder
      char[] padded = ("xx" + in + "yy").toCharArray();
      assertThat(RelayMessages.parseRelayMessage(CharBuffer.wrap(padded, 2, in.length())))
          .as(in)
          .isEqualTo(tree);
      assertThat(RelayMessages.parseRelayMessage(CharBuffer.wrap(padded, 2, in.length()).slice()))
          .as(in)
          .isEqualTo(tree);
      assertThat(RelayMessages.parseRelayMessage(new StringBuilder(in))).as(in).isEqualTo(tree);
      // the relay side: the same event without the subscription id
      String client = in.replace("[\"EVENT\",\"sub-1\",", "[\"EVENT\",");
      ClientMessage clientTree = RelayMessages.parseClientMessageTree(client);
      assertThat(clientTree)
          .as(client)
          .isEqualTo(new ClientMessage.Event(((RelayMessage.Event) tree).event()));
      assertThat(StreamedRelayMessages.parseClient(client)).as(client).isEqualTo(clientTree);
      assertThat(RelayMessages.parseClientMessage(client)).as(client).isEqualTo(clientTree);
    }
  }

  /** Inputs the tree path refuses: the streamed reader declines, so the error is the tree's. */
  @Test
  void malformed_streamedDeclines_errorIsTheTreePaths() {
    String ev = EVENT.toJson();
    List<String> inputs =
        List.of(
            message(ev.replace("{\"id\"", "{\"id\":\"00\",\"id\"")), // duplicate key
            message(ev.replace("{\"id\"", "{\"x\":{\"a\":1,\"a\":2},\"id\"")), // nested duplicate
            message(ev) + "x",
            message(ev) + "[]",
            "[\"EVENT\",\"sub-1\"," + ev + ",1]",
            "[\"EVENT\",1," + ev + "]",
            "[\"EVENT\",\"s\"]",
            message(ev.replace("\"kind\":24133", "\"kind\":24133.0")),
            message(ev.replace("\"kind\":24133", "\"kind\":1e3")),
            message(ev.replace("\"kind\":24133", "\"kind\":65536")),
            message(ev.replace("\"kind\":24133", "\"kind\":-1")),
            message(ev.replace("\"kind\":24133", "\"kind\":\"1\"")),
            message(ev.replace("\"created_at\":1700000000", "\"created_at\":-5")),
            message(ev.replace("\"created_at\":1700000000", "\"created_at\":99999999999999999999")),
            message(ev.replace("\"created_at\":1700000000", "\"created_at\":null")),
            message(ev.replace("\"tags\":[", "\"tags\":[1,")),
            message(ev.replace("\"tags\":[", "\"tags\":[[1],")),
            message(ev.replace("\"tags\":[", "\"tags\":[[null],")),
            message(ev.replace("\"content\":", "\"content\":1,\"c\":")),
            message(ev.replace("\"id\":\"", "\"id\":\"A")),
            message(ev.replace("\"pubkey\"", "\"pk\"")),
            message(ev.replace("\"sig\":\"", "\"sig\":\"0")),
            message("[" + ev + "]"),
            message("{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}"),
            message(
                ev.replace("{\"id\"", "{\"deep\":" + "[".repeat(40) + "]".repeat(40) + ",\"id\"")),
            message(ev).substring(0, message(ev).length() - 3));
    for (String in : inputs) {
      Throwable tree = catchThrowable(() -> RelayMessages.parseRelayMessageTree(in));
      assertThat(tree).as(in).isInstanceOf(NostrFormatException.class);
      assertThat(StreamedRelayMessages.parse(in)).as(in).isNull();
      Throwable viaApi = catchThrowable(() -> RelayMessages.parseRelayMessage(in));
      assertThat(viaApi).as(in).isInstanceOf(NostrFormatException.class);
      assertThat(viaApi.getMessage()).as(in).isEqualTo(tree.getMessage());
      Throwable viaBuffer =
          catchThrowable(() -> RelayMessages.parseRelayMessage(CharBuffer.wrap(in.toCharArray())));
      assertThat(viaBuffer).as(in).isInstanceOf(NostrFormatException.class);
      assertThat(viaBuffer.getMessage()).as(in).isEqualTo(tree.getMessage());
      String client = in.replace("[\"EVENT\",\"sub-1\",", "[\"EVENT\",");
      if (!client.equals(in)) {
        Throwable clientTree = catchThrowable(() -> RelayMessages.parseClientMessageTree(client));
        assertThat(clientTree).as(client).isInstanceOf(NostrFormatException.class);
        assertThat(StreamedRelayMessages.parseClient(client)).as(client).isNull();
        Throwable clientApi = catchThrowable(() -> RelayMessages.parseClientMessage(client));
        assertThat(clientApi).as(client).isInstanceOf(NostrFormatException.class);
        assertThat(clientApi.getMessage()).as(client).isEqualTo(clientTree.getMessage());
      }
    }
  }

  /** Other message types are the tree path's alone. */
  @Test
  void otherTypes_declined() {
    for (String in :
        List.of(
            "[\"OK\",\"" + "a".repeat(64) + "\",true,\"\"]", "[\"EOSE\",\"s\"]", " [\"EVENT\"]")) {
      assertThat(StreamedRelayMessages.parse(in)).as(in).isNull();
    }
  }
}
