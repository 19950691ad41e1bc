package dev.keycast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keycast.cli.internal.RawWebSocket;
import dev.keycast.crypto.Nip44Cipher;
import dev.keycast.crypto.Nip44ConversationKey;
import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SchnorrSigner;
import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.crypto.UnsignedEvent;
import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.ClientMessage;
import dev.keycast.nip46.Filter;
import dev.keycast.nip46.Nip46Codec;
import dev.keycast.nip46.Nip46Request;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.RelayMessage;
import dev.keycast.nip46.RelayMessages;
import dev.keycast.nip46.relay.DevRelay;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code keycast loadtest} counts what a client sees, with both drivers (the precomputing default
 * and {@code --no-precompute}): ok, error replies by message, timeouts, wrong results and replies
 * that are not the bunker's. Over a real dev relay (WebSockets), against the real daemon where it
 * can produce the case (error replies; wrong replies from a third party on the relay) and against a
 * scripted bunker on the relay where only a misbehaving bunker can (silence, wrong results).
 */
class LoadtestCountingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path home;

  private static JsonNode loadtest(String uri, int requests, boolean precompute, String... more)
      throws Exception {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "loadtest",
                "--bunker",
                uri,
                "--requests",
                String.valueOf(requests),
                "--concurrency",
                "8",
                "--clients",
                "2",
                "--json"));
    if (!precompute) {
      args.add("--no-precompute");
    }
    args.addAll(List.of(more));
    Cli.Result r = Cli.exec("", args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return JSON.readTree(r.out());
  }

  @ParameterizedTest(name = "precompute={0}")
  @ValueSource(booleans = {true, false})
  void realDaemon_kindNotPermitted_everyRequestIsAnErrorReplyCountedByMessage(boolean precompute)
      throws Exception {
    try (DevDaemon d = new DevDaemon(home)) {
      Cli.Result auth =
          new Cli(home)
              .run(
                  "authorize",
                  "--key",
                  Daemon.DEMO_KEY,
                  "--relay",
                  d.relay(),
                  "--kinds",
                  "7",
                  "--max-uses",
                  "0",
                  "--json");
      assertThat(auth.exitCode()).as(auth.toString()).isZero();
      String uri = JSON.readTree(auth.out()).get("bunker_uri").asText();
      JsonNode j = loadtest(uri, 10, precompute);
      assertThat(j.get("ok").asInt()).as(j.toString()).isZero();
      assertThat(j.get("timeouts").asInt()).as(j.toString()).isZero();
      assertThat(j.get("errors").size()).as(j.toString()).isEqualTo(1);
      assertThat(j.get("errors").elements().next().asInt()).as(j.toString()).isEqualTo(10);
      assertThat(j.get("wrong_results").asInt()).isZero();
      assertThat(j.get("wrong_replies").asInt()).isZero();
      assertThat(j.get("driver").asText()).isEqualTo(precompute ? "precomputed" : "nip46client");
    }
  }

  /** More requests than {@code --ahead}: built and checked on background threads during the run. */
  @Test
  void realDaemon_moreRequestsThanAhead_builtAndCheckedWhileRunning_allOk() throws Exception {
    try (DevDaemon d = new DevDaemon(home)) {
      JsonNode j = loadtest(d.daemon.demoBunkerUri(), 40, true, "--ahead", "3");
      assertThat(j.get("ok").asInt()).as(j.toString()).isEqualTo(40);
      assertThat(j.get("timeouts").asInt()).as(j.toString()).isZero();
      assertThat(j.get("errors").size()).as(j.toString()).isZero();
      assertThat(j.get("wrong_replies").asInt()).as(j.toString()).isZero();
      assertThat(j.get("duplicate_replies").asInt()).as(j.toString()).isZero();
    }
  }

  @Test
  void realDaemon_forgedRepliesFromAThirdKey_countedWrong_everyRequestStillOk() throws Exception {
    try (DevDaemon d = new DevDaemon(home);
        Forger forger = new Forger(URI.create(d.relay()), bunkerKey(d.daemon.demoBunkerUri()))) {
      JsonNode j = loadtest(d.daemon.demoBunkerUri(), 12, true);
      assertThat(j.get("ok").asInt()).as(j.toString()).isEqualTo(12);
      assertThat(j.get("timeouts").asInt()).as(j.toString()).isZero();
      assertThat(j.get("errors").size()).as(j.toString()).isZero();
      // one forgery per request; the last ones may land after the run ended
      assertThat(j.get("wrong_replies").asInt()).as(j.toString()).isBetween(1, 12);
      assertThat(forger.forged.get()).isGreaterThanOrEqualTo(12);
    }
  }

  @ParameterizedTest(name = "precompute={0}")
  @ValueSource(booleans = {true, false})
  void scriptedBunker_okErrorSilenceForgedWrongResult_eachCountedRight(boolean precompute)
      throws Exception {
    try (DevRelay relay = DevRelay.start("127.0.0.1", 0);
        ScriptedBunker bunker = new ScriptedBunker(URI.create(relay.url()))) {
      JsonNode j = loadtest(bunker.uri(), 20, precompute, "--timeout", "5");
      // request i: i % 5 == 0 ok, 1 error reply, 2 no reply, 3 a reply signed by another key
      // only, 4 a signature of another event
      assertThat(j.get("requests").asInt()).isEqualTo(20);
      assertThat(j.get("ok").asInt()).as(j.toString()).isEqualTo(4);
      assertThat(j.get("errors").get("scripted refusal").asInt()).as(j.toString()).isEqualTo(4);
      assertThat(j.get("errors").size()).as(j.toString()).isEqualTo(1);
      assertThat(j.get("timeouts").asInt()).as(j.toString()).isEqualTo(8);
      assertThat(j.get("wrong_results").asInt()).as(j.toString()).isEqualTo(4);
      // the client library drops replies that do not verify without telling anyone
      assertThat(j.get("wrong_replies").asInt()).as(j.toString()).isEqualTo(precompute ? 4 : 0);
      assertThat(j.get("duplicate_replies").asInt()).as(j.toString()).isZero();
    }
  }

  private static PublicKey bunkerKey(String uri) throws Exception {
    return BunkerUri.parse(uri).signerPubkey();
  }

  /** Subscribes to requests for the bunker and answers each with a reply signed by its own key. */
  private static final class Forger implements AutoCloseable {
    final SecretKey key = SecretKey.generate();
    final SchnorrSigner signer = SchnorrSigner.create(key);
    final AtomicInteger forged = new AtomicInteger();
    final CountDownLatch eose = new CountDownLatch(1);
    final RawWebSocket socket;

    Forger(URI relay, PublicKey bunker) throws Exception {
      socket = RawWebSocket.connect(relay, this::onText);
      send(
          new ClientMessage.Req(
              "f",
              List.of(Filter.builder().kinds(24133).tag('p', List.of(bunker.toHex())).build())));
      assertThat(eose.await(10, TimeUnit.SECONDS)).isTrue();
    }

    void send(ClientMessage m) throws Exception {
      socket.send(RawWebSocket.textFrame(RelayMessages.toJson(m)));
    }

    void onText(long at, byte[] utf8) {
      RelayMessage m = RelayMessages.parseRelayMessage(new String(utf8, StandardCharsets.UTF_8));
      if (m instanceof RelayMessage.Eose) {
        eose.countDown();
      } else if (m instanceof RelayMessage.Event e && eose.getCount() == 0) {
        SignedEvent request = e.event();
        try {
          Nip44ConversationKey ck =
              Nip44ConversationKey.derive(key, PublicKey.fromHex(request.pubkey()));
          send(
              new ClientMessage.Event(
                  NostrEvents.sign(
                      new UnsignedEvent(
                          key.publicKey(),
                          request.createdAt(),
                          24133,
                          List.of(List.of("p", request.pubkey()), List.of("e", request.id())),
                          Nip44Cipher.encrypt("{\"id\":\"x\",\"result\":\"forged\"}", ck)),
                      signer)));
          forged.incrementAndGet();
        } catch (Exception ex) {
          throw new IllegalStateException(ex);
        }
      }
    }

    @Override
    public void close() {
      socket.close();
    }
  }

  /**
   * A bunker that answers {@code connect} with {@code ack} and {@code sign_event} of note i by i %
   * 5: 0 the note signed, 1 an error reply, 2 nothing, 3 a reply signed by another key, 4 another
   * note signed.
   */
  private static final class ScriptedBunker implements AutoCloseable {
    final SecretKey key = SecretKey.generate();
    final SchnorrSigner signer = SchnorrSigner.create(key);
    final SecretKey other = SecretKey.generate();
    final SchnorrSigner otherSigner = SchnorrSigner.create(other);
    final Map<String, Nip44ConversationKey> conversations = new ConcurrentHashMap<>();
    final CountDownLatch eose = new CountDownLatch(1);
    final URI relay;
    final RawWebSocket socket;

    ScriptedBunker(URI relay) throws Exception {
      this.relay = relay;
      socket = RawWebSocket.connect(relay, this::onText);
      socket.send(
          RawWebSocket.textFrame(
              RelayMessages.toJson(
                  new ClientMessage.Req(
                      "b",
                      List.of(
                          Filter.builder()
                              .kinds(24133)
                              .tag('p', List.of(key.publicKey().toHex()))
                              .build())))));
      assertThat(eose.await(10, TimeUnit.SECONDS)).isTrue();
    }

    String uri() {
      return new BunkerUri(key.publicKey(), List.of(relay.toString()), "s3cret").format();
    }

    void onText(long at, byte[] utf8) {
      RelayMessage m = RelayMessages.parseRelayMessage(new String(utf8, StandardCharsets.UTF_8));
      if (m instanceof RelayMessage.Eose) {
        eose.countDown();
        return;
      }
      if (!(m instanceof RelayMessage.Event e)) {
        return;
      }
      try {
        SignedEvent event = e.event();
        PublicKey client = PublicKey.fromHex(event.pubkey());
        Nip44ConversationKey ck =
            conversations.computeIfAbsent(
                event.pubkey(),
                k -> {
                  try {
                    return Nip44ConversationKey.derive(key, client);
                  } catch (Exception ex) {
                    throw new IllegalStateException(ex);
                  }
                });
        Nip46Request request = Nip46Codec.parseRequest(Nip44Cipher.decrypt(event.content(), ck));
        switch (request) {
          case Nip46Request.Connect c ->
              reply(event, ck, new Nip46Response.Ok(c.id(), "ack"), signer);
          case Nip46Request.SignEvent s -> {
            String content = s.template().content();
            int i = Integer.parseInt(content.substring(content.lastIndexOf(' ') + 1));
            switch (i % 5) {
              case 0 -> reply(event, ck, new Nip46Response.Ok(s.id(), note(content, key)), signer);
              case 1 ->
                  reply(event, ck, new Nip46Response.Error(s.id(), "scripted refusal"), signer);
              case 2 -> {}
              case 3 -> {
                Nip44ConversationKey otherCk = Nip44ConversationKey.derive(other, client);
                reply(
                    event, otherCk, new Nip46Response.Ok(s.id(), note(content, key)), otherSigner);
              }
              default ->
                  reply(event, ck, new Nip46Response.Ok(s.id(), note("another note", key)), signer);
            }
          }
          default -> reply(event, ck, new Nip46Response.Error(request.id(), "unsupported"), signer);
        }
      } catch (Exception ex) {
        throw new IllegalStateException(ex);
      }
    }

    private static String note(String content, SecretKey author) {
      return NostrEvents.sign(
              new UnsignedEvent(
                  author.publicKey(), System.currentTimeMillis() / 1000, 1, List.of(), content),
              SchnorrSigner.create(author))
          .toJson();
    }

    private void reply(
        SignedEvent request, Nip44ConversationKey ck, Nip46Response response, SchnorrSigner by)
        throws Exception {
      SignedEvent reply =
          NostrEvents.sign(
              new UnsignedEvent(
                  by == signer ? key.publicKey() : other.publicKey(),
                  System.currentTimeMillis() / 1000,
                  24133,
                  List.of(List.of("p", request.pubkey()), List.of("e", request.id())),
                  Nip44Cipher.encrypt(Nip46Codec.toJson(response), ck)),
              by);
      socket.send(RawWebSocket.textFrame(RelayMessages.toJson(new ClientMessage.Event(reply))));
    }

    @Override
    public void close() {
      socket.close();
    }
  }
}
