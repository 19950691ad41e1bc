package dev.keycast.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Watches a relay for every reply the bunker keys publish (kind 24133 authored by them) and groups
 * them by the request they answer (their {@code e} tag): the exactly-once check. The same event
 * republished counts once; two different events for one request is the failure.
 */
final class ReplyWatcher implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Request event id → the distinct reply event ids seen for it. */
  private final Map<String, Set<String>> repliesByRequest = new ConcurrentHashMap<>();

  /** Reply event id → {author, content, created_at}, to explain a conflict. */
  private final Map<String, String[]> replies = new ConcurrentHashMap<>();

  private final WebSocket socket;
  private final StringBuilder partial = new StringBuilder(); // only touched by the listener

  ReplyWatcher(String relay, Collection<String> bunkerKeys) throws Exception {
    socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(URI.create(relay), new Listener())
            .get(10, TimeUnit.SECONDS);
    var filter = JSON.createObjectNode();
    filter.putArray("kinds").add(24133);
    var authors = filter.putArray("authors");
    bunkerKeys.forEach(authors::add);
    var req = JSON.createArrayNode().add("REQ").add("replies").add(filter);
    socket.sendText(JSON.writeValueAsString(req), true).get(10, TimeUnit.SECONDS);
  }

  private final class Listener implements WebSocket.Listener {
    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        record(partial.toString());
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }
  }

  private void record(String message) {
    try {
      JsonNode m = JSON.readTree(message);
      if (!"EVENT".equals(m.path(0).asText())) {
        return;
      }
      JsonNode event = m.path(2);
      replies.put(
          event.path("id").asText(),
          new String[] {
            event.path("pubkey").asText(),
            event.path("content").asText(),
            event.path("created_at").asText()
          });
      for (JsonNode tag : event.path("tags")) {
        if ("e".equals(tag.path(0).asText())) {
          repliesByRequest
              .computeIfAbsent(tag.path(1).asText(), k -> ConcurrentHashMap.newKeySet())
              .add(event.path("id").asText());
        }
      }
    } catch (Exception e) {
      // not JSON: not a reply
    }
  }

  /** How many requests got at least one reply. */
  int requestsAnswered() {
    return repliesByRequest.size();
  }

  /** The requests that got two or more different reply events, with them. */
  Map<String, Set<String>> answeredDifferently() {
    Map<String, Set<String>> out = new ConcurrentHashMap<>();
    repliesByRequest.forEach(
        (request, replies) -> {
          if (replies.size() > 1) {
            out.put(request, Set.copyOf(replies));
          }
        });
    return out;
  }

  /**
   * A reply's author, content and created_at.
   *
   * @param replyId the reply event id
   * @return {author, content, created_at}, or null if unseen
   */
  String @org.jspecify.annotations.Nullable [] reply(String replyId) {
    return replies.get(replyId);
  }

  @Override
  public void close() {
    socket.abort();
  }
}
