package dev.keycast.nip46.bunker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keycast.crypto.Nip04Cipher;
import dev.keycast.crypto.Nip44Cipher;
import dev.keycast.crypto.Nip44ConversationKey;
import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SchnorrSigner;
import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.crypto.UnsignedEvent;
import dev.keycast.nip46.Nip46Codec;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.server.EventRejectReason;
import dev.keycast.nip46.server.IntakeLimits;
import dev.keycast.nip46.server.ResponseOutcome;
import dev.keycast.nip46.store.AesGcmKeyEncryption;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.MasterKey;
import dev.keycast.nip46.store.NewAuthorization;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Hostile and malformed input against a real Bunker (real database, crypto, queue and pipeline; a
 * capturing transport instead of sockets, since the dev relay would refuse forged events before
 * they reach the signer). Each try checks: no crash, no reply to forged, foreign or undecryptable
 * events, an error reply to every decryptable but invalid request, and the counter naming the
 * reason moved.
 */
class BunkerBadInputProperties {
  static final Duration WAIT = Duration.ofSeconds(20);
  static KeycastDatabase db;
  static CapturingTransport transport;
  static Bunker bunker;
  static PublicKey signer;

  @BeforeContainer
  static void start() throws Exception {
    var dir = Files.createTempDirectory("keycast-bad-input");
    db =
        KeycastDatabase.open(
            "jdbc:sqlite:" + dir.resolve("k.db"), AesGcmKeyEncryption.create(MasterKey.random()));
    db.keys().generate("alice");
    Authorization a =
        db.authorizations()
            .create(
                NewAuthorization.builder("alice")
                    .relays(List.of(CapturingTransport.RELAY))
                    .policyName("social")
                    .maxUses(1)
                    .build());
    signer = a.bunkerPublicKey();
    transport = new CapturingTransport();
    bunker =
        Bunker.builder()
            .database(db)
            .relays(List.of(CapturingTransport.RELAY))
            .intakeLimits(
                IntakeLimits.builder().maxEventChars(4096).rateLimit(100_000, 100_000).build())
            .transport(b -> transport)
            .build()
            .start();
  }

  @AfterContainer
  static void stop() {
    bunker.close();
    db.close();
  }

  // ---- helpers ----

  static long now() {
    return System.currentTimeMillis() / 1000;
  }

  static SignedEvent event(
      SecretKey from, long createdAt, int kind, List<List<String>> tags, String content) {
    return NostrEvents.sign(
        new UnsignedEvent(from.publicKey(), createdAt, kind, tags, content),
        SchnorrSigner.create(from));
  }

  static SignedEvent request(SecretKey from, String content) {
    return event(from, now(), 24133, List.of(List.of("p", signer.toHex())), content);
  }

  static String nip44(SecretKey from, String plaintext) throws Exception {
    return Nip44Cipher.encrypt(plaintext, Nip44ConversationKey.derive(from, signer));
  }

  static long rejected(EventRejectReason r) {
    return bunker.stats().rejected(r);
  }

  static void awaitMoved(Supplier<Long> counter, long before) {
    await().atMost(WAIT).until(() -> counter.get() > before);
  }

  static List<SignedEvent> repliesTo(SignedEvent request) {
    return transport.published.stream()
        .filter(
            e ->
                e.tags().stream()
                    .anyMatch(
                        t ->
                            t.size() >= 2 && t.get(0).equals("e") && t.get(1).equals(request.id())))
        .toList();
  }

  /** Sends a signed, decryptable request body and returns the one reply, decrypted. */
  static Nip46Response answerTo(SecretKey client, String body, boolean useNip04) throws Exception {
    String content = useNip04 ? Nip04Cipher.encrypt(body, client, signer) : nip44(client, body);
    SignedEvent req = request(client, content);
    transport.inject(req);
    await().atMost(WAIT).until(() -> !repliesTo(req).isEmpty());
    List<SignedEvent> replies = repliesTo(req);
    assertThat(replies).hasSize(1);
    SignedEvent reply = replies.get(0);
    NostrEvents.verify(reply);
    assertThat(reply.pubkey()).isEqualTo(signer.toHex());
    assertThat(reply.tags()).contains(List.of("p", client.publicKey().toHex()));
    String plain =
        useNip04
            ? Nip04Cipher.decrypt(reply.content(), client, signer)
            : Nip44Cipher.decrypt(reply.content(), Nip44ConversationKey.derive(client, signer));
    assertThat(useNip04).isEqualTo(Nip04Cipher.looksLikeNip04(reply.content()));
    return Nip46Codec.parseResponse(plain);
  }

  static boolean parsesAsRequest(String body) {
    try {
      Nip46Codec.parseRequest(body);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  // ---- properties ----

  @Property(tries = 40)
  void randomContent_noReply_countedUndecryptable(@ForAll("junk") String content) {
    long before = rejected(EventRejectReason.UNDECRYPTABLE);
    SignedEvent req = request(SecretKey.generate(), content);
    transport.inject(req);
    awaitMoved(() -> rejected(EventRejectReason.UNDECRYPTABLE), before);
    assertThat(repliesTo(req)).isEmpty();
  }

  @Property(tries = 30)
  void randomBytesBase64_noReply_countedUndecryptable(@ForAll byte[] bytes) {
    long before = rejected(EventRejectReason.UNDECRYPTABLE);
    SignedEvent req = request(SecretKey.generate(), Base64.getEncoder().encodeToString(bytes));
    transport.inject(req);
    awaitMoved(() -> rejected(EventRejectReason.UNDECRYPTABLE), before);
    assertThat(repliesTo(req)).isEmpty();
  }

  @Property(tries = 30)
  void wrongMac_noReply_countedUndecryptable(@ForAll("bitPositions") int bit) throws Exception {
    SecretKey client = SecretKey.generate();
    byte[] payload =
        Base64.getDecoder()
            .decode(nip44(client, "{\"id\":\"1\",\"method\":\"ping\",\"params\":[]}"));
    int i = 1 + Math.floorMod(bit / 8, payload.length - 1);
    payload[i] ^= (byte) (1 << (bit & 7));
    long before = rejected(EventRejectReason.UNDECRYPTABLE);
    SignedEvent req = request(client, Base64.getEncoder().encodeToString(payload));
    transport.inject(req);
    awaitMoved(() -> rejected(EventRejectReason.UNDECRYPTABLE), before);
    assertThat(repliesTo(req)).isEmpty();
  }

  @Property(tries = 30)
  void forgedSignature_noReply_countedBadSignature(@ForAll("hex64") String junkSigHalf)
      throws Exception {
    SecretKey client = SecretKey.generate();
    SignedEvent good =
        request(client, nip44(client, "{\"id\":\"f\",\"method\":\"ping\",\"params\":[]}"));
    SignedEvent forged =
        new SignedEvent(
            good.id(),
            good.pubkey(),
            good.createdAt(),
            good.kind(),
            good.tags(),
            good.content(),
            junkSigHalf + good.sig().substring(64));
    long before = rejected(EventRejectReason.BAD_SIGNATURE);
    transport.inject(forged);
    awaitMoved(() -> rejected(EventRejectReason.BAD_SIGNATURE), before);
    assertThat(repliesTo(forged)).isEmpty();
  }

  @Example
  void forgedCopyFirst_doesNotSuppressGenuineRequest() throws Exception {
    SecretKey client = SecretKey.generate();
    SignedEvent good =
        request(client, nip44(client, "{\"id\":\"g\",\"method\":\"ping\",\"params\":[]}"));
    SignedEvent forged =
        new SignedEvent(
            good.id(),
            good.pubkey(),
            good.createdAt(),
            good.kind(),
            good.tags(),
            good.content(),
            "00".repeat(64));
    long before = rejected(EventRejectReason.BAD_SIGNATURE);
    transport.inject(forged);
    awaitMoved(() -> rejected(EventRejectReason.BAD_SIGNATURE), before);
    transport.inject(good);
    await().atMost(WAIT).until(() -> !repliesTo(good).isEmpty());
  }

  @Example
  void changedContentAfterSigning_noReply_countedBadSignature() throws Exception {
    SecretKey client = SecretKey.generate();
    SignedEvent good =
        request(client, nip44(client, "{\"id\":\"h\",\"method\":\"ping\",\"params\":[]}"));
    SignedEvent tampered =
        new SignedEvent(
            good.id(),
            good.pubkey(),
            good.createdAt(),
            good.kind(),
            good.tags(),
            nip44(client, "{\"id\":\"h\",\"method\":\"logout\",\"params\":[]}"),
            good.sig());
    long before = rejected(EventRejectReason.BAD_SIGNATURE);
    transport.inject(tampered);
    awaitMoved(() -> rejected(EventRejectReason.BAD_SIGNATURE), before);
    assertThat(repliesTo(tampered)).isEmpty();
  }

  @Property(tries = 40)
  void decryptableButInvalid_errorReplyInvalidRequest(
      @ForAll("invalidBodies") String body, @ForAll boolean useNip04) throws Exception {
    Assume.that(!parsesAsRequest(body));
    long before = bunker.stats().responses("invalid", ResponseOutcome.INVALID_REQUEST);
    Nip46Response r = answerTo(SecretKey.generate(), body, useNip04);
    assertThat(r).isInstanceOf(Nip46Response.Error.class);
    assertThat(((Nip46Response.Error) r).error()).isEqualTo("invalid request");
    awaitMoved(() -> bunker.stats().responses("invalid", ResponseOutcome.INVALID_REQUEST), before);
  }

  @Property(tries = 20)
  void unknownMethod_errorReplyUnsupported(@ForAll("methodNames") String method) throws Exception {
    Nip46Response r =
        answerTo(
            SecretKey.generate(),
            "{\"id\":\"u1\",\"method\":" + NostrEvents.jsonString(method) + ",\"params\":[]}",
            false);
    assertThat(r).isEqualTo(Nip46Response.error("u1", "unsupported method"));
  }

  @Example
  void validRequestFromUnconnectedClient_unauthorized() throws Exception {
    Nip46Response r =
        answerTo(
            SecretKey.generate(),
            "{\"id\":\"x1\",\"method\":\"get_public_key\",\"params\":[]}",
            false);
    assertThat(r).isEqualTo(Nip46Response.error("x1", "unauthorized"));
  }

  @Property(tries = 20)
  void missingOrForeignPTag_noReply_countedForeignRecipient(
      @ForAll("foreignTags") List<List<String>> tags) throws Exception {
    SecretKey client = SecretKey.generate();
    long before = rejected(EventRejectReason.FOREIGN_RECIPIENT);
    SignedEvent req =
        event(client, now(), 24133, tags, nip44(client, "{\"id\":\"p\",\"method\":\"ping\"}"));
    transport.inject(req);
    awaitMoved(() -> rejected(EventRejectReason.FOREIGN_RECIPIENT), before);
    assertThat(repliesTo(req)).isEmpty();
  }

  @Property(tries = 10)
  void hugeContent_noReply_countedTooLarge(@ForAll("hugeSizes") int size) {
    long before = rejected(EventRejectReason.TOO_LARGE);
    SignedEvent req = request(SecretKey.generate(), "A".repeat(size));
    transport.inject(req);
    awaitMoved(() -> rejected(EventRejectReason.TOO_LARGE), before);
    assertThat(repliesTo(req)).isEmpty();
  }

  @Property(tries = 20)
  void farPastOrFuture_noReply_countedByAge(@ForAll("skewSeconds") long skew) throws Exception {
    SecretKey client = SecretKey.generate();
    EventRejectReason expected = skew < 0 ? EventRejectReason.TOO_OLD : EventRejectReason.TOO_NEW;
    long before = rejected(expected);
    SignedEvent req =
        event(
            client,
            now() + skew,
            24133,
            List.of(List.of("p", signer.toHex())),
            nip44(client, "{\"id\":\"t\",\"method\":\"ping\"}"));
    transport.inject(req);
    awaitMoved(() -> rejected(expected), before);
    assertThat(repliesTo(req)).isEmpty();
  }

  @Property(tries = 10)
  void wrongKind_noReply_countedWrongKind(@ForAll("otherKinds") int kind) throws Exception {
    SecretKey client = SecretKey.generate();
    long before = rejected(EventRejectReason.WRONG_KIND);
    SignedEvent req = event(client, now(), kind, List.of(List.of("p", signer.toHex())), "x");
    transport.inject(req);
    awaitMoved(() -> rejected(EventRejectReason.WRONG_KIND), before);
    assertThat(repliesTo(req)).isEmpty();
  }

  @Property(tries = 30)
  void rawJunkFromRelay_noCrash_countedMalformed(@ForAll("junk") String raw) {
    Assume.that(!raw.startsWith("{"));
    long before =
        rejected(EventRejectReason.MALFORMED_EVENT) + rejected(EventRejectReason.TOO_LARGE);
    bunker.acceptRaw(CapturingTransport.RELAY, raw);
    assertThat(rejected(EventRejectReason.MALFORMED_EVENT) + rejected(EventRejectReason.TOO_LARGE))
        .isEqualTo(before + 1);
  }

  @Example
  void duplicateInjection_answeredOnce() throws Exception {
    SecretKey client = SecretKey.generate();
    SignedEvent req =
        request(client, nip44(client, "{\"id\":\"d\",\"method\":\"ping\",\"params\":[]}"));
    long before = rejected(EventRejectReason.DUPLICATE);
    transport.inject(req);
    transport.inject(req);
    transport.inject(req);
    await()
        .atMost(WAIT)
        .until(
            () -> rejected(EventRejectReason.DUPLICATE) >= before + 2 && !repliesTo(req).isEmpty());
    assertThat(repliesTo(req)).hasSize(1);
  }

  // ---- generators ----

  @Provide
  Arbitrary<String> junk() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(300),
        Arbitraries.strings().withCharRange('!', '~').ofMaxLength(200).map(s -> s + "?iv=" + s),
        Arbitraries.just(""),
        Arbitraries.just("#unsupported-version"),
        Arbitraries.just("!!!not base64!!!"));
  }

  @Provide
  Arbitrary<Integer> bitPositions() {
    return Arbitraries.integers().between(8, 8 * 150);
  }

  @Provide
  Arbitrary<String> hex64() {
    return Arbitraries.strings().withChars("0123456789abcdef").ofLength(64);
  }

  @Provide
  Arbitrary<String> invalidBodies() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMinLength(1).ofMaxLength(200),
        Arbitraries.of(
            "null",
            "[]",
            "\"str\"",
            "42",
            "{}",
            "{\"id\":5,\"method\":\"ping\"}",
            "{\"id\":\"a\",\"method\":7}",
            "{\"id\":\"a\",\"method\":\"sign_event\",\"params\":\"x\"}",
            "{\"id\":\"a\",\"method\":\"sign_event\",\"params\":[{\"kind\":1}]}",
            "{\"id\":\"a\",\"method\":\"sign_event\",\"params\":[\"{\\\"kind\\\":\\\"one\\\"}\"]}",
            "{\"id\":\"a\",\"method\":\"nip44_encrypt\",\"params\":[\"nothex\",\"x\"]}",
            "{\"id\":\"a\",\"method\":\"nip44_decrypt\",\"params\":[]}",
            "{\"id\":\"\",\"method\":\"ping\"}",
            "{\"id\":\"a\",\"method\":\"ping\",\"params\":[1,2]}",
            "{\"id\":\"a\"",
            "{\"id\":\"a\",\"method\":\"connect\",\"params\":[\"\",\"\",\"bogus:perm\"]}"));
  }

  @Provide
  Arbitrary<String> methodNames() {
    return Arbitraries.strings()
        .withCharRange('a', 'z')
        .ofMinLength(1)
        .ofMaxLength(20)
        .filter(m -> dev.keycast.nip46.Nip46Method.fromWireName(m).isEmpty());
  }

  @Provide
  Arbitrary<List<List<String>>> foreignTags() {
    Arbitrary<List<String>> foreignP =
        Arbitraries.strings().withChars("0123456789abcdef").ofLength(64).map(h -> List.of("p", h));
    Arbitrary<List<String>> otherTag =
        Arbitraries.strings()
            .alpha()
            .ofMinLength(1)
            .ofMaxLength(3)
            .filter(t -> !t.equals("p"))
            .map(t -> List.of(t, signer.toHex()));
    return Arbitraries.oneOf(foreignP, otherTag, Arbitraries.just(List.of("p")))
        .list()
        .ofMaxSize(3);
  }

  @Provide
  Arbitrary<Integer> hugeSizes() {
    return Arbitraries.integers().between(4097, 200_000);
  }

  @Provide
  Arbitrary<Long> skewSeconds() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(-10_000_000L, -121L),
        Arbitraries.longs().between(61L, 10_000_000L));
  }

  @Provide
  Arbitrary<Integer> otherKinds() {
    return Arbitraries.integers().between(0, 65535).filter(k -> k != 24133);
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
