package dev.keycast.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SignatureException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * NIP-01 serialization (against an independent reference escaper), ids, signing and verification.
 */
class NostrEventsTest {
  private static final String PUB_1 =
      "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";

  /**
   * ECMAScript QuoteJSONString (ES2019, well-formed JSON.stringify) transcribed literally: iterate
   * code points as UTF16DecodeString does (a lone surrogate is its own code point), use the short
   * escapes for 0x08, 0x09, 0x0A, 0x0C, 0x0D, 0x22, 0x5C, and UnicodeEscape (lowercase hex) for
   * other code points below 0x20 and for surrogates.
   */
  static String referenceQuote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    s.codePoints()
        .forEach(
            cp -> {
              switch (cp) {
                case 0x08 -> sb.append("\\b");
                case 0x09 -> sb.append("\\t");
                case 0x0A -> sb.append("\\n");
                case 0x0C -> sb.append("\\f");
                case 0x0D -> sb.append("\\r");
                case 0x22 -> sb.append("\\\"");
                case 0x5C -> sb.append("\\\\");
                default -> {
                  if (cp < 0x20 || (cp >= 0xD800 && cp <= 0xDFFF)) {
                    sb.append(String.format("\\u%04x", cp));
                  } else {
                    sb.appendCodePoint(cp);
                  }
                }
              }
            });
    return sb.append('"').toString();
  }

  @Provide
  Arbitrary<String> wildStrings() {
    Arbitrary<String> special =
        Arbitraries.strings()
            .withChars(
                "\"\\/\b\f\n\r\t\u0000\u0001\u001f\u007f\u2028\u2029\ud800\udbff\udc00\udfff\ufeffaé😀")
            .ofMaxLength(40);
    Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(80);
    Arbitrary<String> emoji =
        Arbitraries.of("😀", "👨‍👩‍👧", "🦄", "a\ud83d", "\ude00b", "\udc00\ud800")
            .list()
            .ofMaxSize(6)
            .map(l -> String.join("", l));
    return Arbitraries.oneOf(special, any, emoji);
  }

  @Property(tries = 200)
  void jsonString_randomStrings_matchesReferenceEscaper(@ForAll("wildStrings") String s) {
    assertThat(NostrEvents.jsonString(s)).isEqualTo(referenceQuote(s));
  }

  @Property(tries = 100)
  void canonicalJson_randomTagsAndContent_matchesReference(
      @ForAll("wildStrings") String content, @ForAll("wildStrings") String tagValue) {
    List<List<String>> tags = List.of(List.of("p", tagValue), List.of(), List.of(content, "x"));
    String expected =
        "[0,\""
            + PUB_1
            + "\",1700000000,1,[[\"p\","
            + referenceQuote(tagValue)
            + "],[],["
            + referenceQuote(content)
            + ",\"x\"]],"
            + referenceQuote(content)
            + "]";
    assertThat(NostrEvents.canonicalJson(PUB_1, 1700000000L, 1, tags, content)).isEqualTo(expected);
  }

  @Test
  void jsonString_knownCases_matchJsonStringify() {
    // Expected strings are what node's JSON.stringify prints for the same inputs.
    assertThat(NostrEvents.jsonString("a\"b\\c/d")).isEqualTo("\"a\\\"b\\\\c/d\"");
    assertThat(NostrEvents.jsonString("\b\t\n\f\r")).isEqualTo("\"\\b\\t\\n\\f\\r\"");
    assertThat(NostrEvents.jsonString("\u0000\u001f\u007f")).isEqualTo("\"\\u0000\\u001f\u007f\"");
    assertThat(NostrEvents.jsonString("\u2028é😀")).isEqualTo("\"\u2028é😀\"");
    assertThat(NostrEvents.jsonString("x\ud83d")).isEqualTo("\"x\\ud83d\"");
    assertThat(NostrEvents.jsonString("\ude00y")).isEqualTo("\"\\ude00y\"");
    assertThat(NostrEvents.jsonString("\udc00\ud800")).isEqualTo("\"\\udc00\\ud800\"");
  }

  @Test
  void computeId_knownEvent_matchesNostrTools() throws Exception {
    // Secret key 1; id computed by nostr-tools getEventHash for the same fields.
    UnsignedEvent e =
        new UnsignedEvent(
            PublicKey.fromHex(PUB_1),
            1700000000L,
            1,
            List.of(List.of("t", "nostr")),
            "hello \"world\"\n😀");
    assertThat(NostrEvents.canonicalJson(PUB_1, 1700000000L, 1, e.tags(), e.content()))
        .isEqualTo(
            "[0,\"" + PUB_1 + "\",1700000000,1,[[\"t\",\"nostr\"]],\"hello \\\"world\\\"\\n😀\"]");
    assertThat(e.id())
        .isEqualTo("c9efe207aa1b947580db96ff72030e51a761ca2b1192b6654a53a33efa632b31");
  }

  @Property(tries = 50)
  void sign_thenVerify_passesAndTamperingFails(@ForAll("wildStrings") String content)
      throws Exception {
    SecretKey key = SecretKey.generate();
    SchnorrSigner signer = SchnorrSigner.create(key);
    UnsignedEvent unsigned =
        new UnsignedEvent(
            key.publicKey(), 1700000000L, 24133, List.of(List.of("p", PUB_1)), content);
    SignedEvent signed = NostrEvents.sign(unsigned, signer);
    assertThat(signed.id()).isEqualTo(unsigned.id());
    assertThat(signed.pubkey()).isEqualTo(key.publicKey().toHex());
    NostrEvents.verify(signed);

    SignedEvent otherContent =
        new SignedEvent(
            signed.id(),
            signed.pubkey(),
            signed.createdAt(),
            signed.kind(),
            signed.tags(),
            content + "!",
            signed.sig());
    assertThatThrownBy(() -> NostrEvents.verify(otherContent))
        .isInstanceOf(SignatureException.class);

    char c = signed.sig().charAt(5);
    String badSig =
        signed.sig().substring(0, 5) + (c == '0' ? '1' : '0') + signed.sig().substring(6);
    SignedEvent otherSig =
        new SignedEvent(
            signed.id(),
            signed.pubkey(),
            signed.createdAt(),
            signed.kind(),
            signed.tags(),
            signed.content(),
            badSig);
    assertThatThrownBy(() -> NostrEvents.verify(otherSig)).isInstanceOf(SignatureException.class);
  }

  @Test
  void sign_signerForOtherKey_throwsIllegalArgument() throws Exception {
    SecretKey a = SecretKey.generate();
    SecretKey b = SecretKey.generate();
    UnsignedEvent e = new UnsignedEvent(a.publicKey(), 1L, 1, List.of(), "x");
    assertThatThrownBy(() -> NostrEvents.sign(e, SchnorrSigner.create(b)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toJson_signedEvent_hasNip01FieldOrderAndEscaping() throws Exception {
    SecretKey key =
        SecretKey.fromHex("0000000000000000000000000000000000000000000000000000000000000003");
    SignedEvent e =
        NostrEvents.sign(
            new UnsignedEvent(key.publicKey(), 5L, 7, List.of(List.of("e", "a\tb")), "q\"\ud800"),
            SchnorrSigner.create(key));
    assertThat(e.toJson())
        .isEqualTo(
            "{\"id\":\""
                + e.id()
                + "\",\"pubkey\":\""
                + e.pubkey()
                + "\",\"created_at\":5,\"kind\":7,\"tags\":[[\"e\",\"a\\tb\"]],\"content\":\"q\\\"\\ud800\",\"sig\":\""
                + e.sig()
                + "\"}");
  }

  @Test
  void appendJson_afterAPrefix_appendsExactlyToJson() throws Exception {
    SecretKey key = SecretKey.generate();
    SchnorrSigner signer = SchnorrSigner.create(key);
    for (String content : List.of("", "x".repeat(5000), "é\u2028\ud83d\ude00\n\"".repeat(300))) {
      SignedEvent e =
          NostrEvents.sign(
              new UnsignedEvent(
                  key.publicKey(),
                  1_700_000_000L,
                  24133,
                  List.of(List.of("p", "ab".repeat(32)), List.of("e", "cd".repeat(32), "", "x\ty")),
                  content),
              signer);
      StringBuilder sb = new StringBuilder(4).append("[\"EVENT\",");
      assertThat(e.appendJson(sb)).isSameAs(sb);
      assertThat(sb.append(']').toString()).isEqualTo("[\"EVENT\"," + e.toJson() + "]");
    }
  }

  @Test
  void verifiedAuthor_returnsTheAuthorsKey_andRefusesWhatVerifyRefuses() throws Exception {
    SecretKey key = SecretKey.generate();
    SchnorrSigner signer = SchnorrSigner.create(key);
    SignedEvent e =
        NostrEvents.sign(
            new UnsignedEvent(key.publicKey(), 1_700_000_000L, 1, List.of(), "hi"), signer);
    assertThat(NostrEvents.verifiedAuthor(e)).isEqualTo(key.publicKey());
    assertThat(NostrEvents.verifiedAuthor(e).toHex()).isEqualTo(e.pubkey());
    for (int i = 0; i < 64; i++) { // every position of the id, one hex digit changed
      char c = e.id().charAt(i);
      String id = e.id().substring(0, i) + (c == '0' ? '1' : '0') + e.id().substring(i + 1);
      SignedEvent wrongId =
          new SignedEvent(id, e.pubkey(), e.createdAt(), e.kind(), e.tags(), e.content(), e.sig());
      assertThatThrownBy(() -> NostrEvents.verifiedAuthor(wrongId))
          .isInstanceOf(java.security.SignatureException.class)
          .hasMessage("event id does not match its content");
    }
    String sig = (e.sig().charAt(0) == '0' ? "1" : "0") + e.sig().substring(1);
    SignedEvent wrongSig =
        new SignedEvent(e.id(), e.pubkey(), e.createdAt(), e.kind(), e.tags(), e.content(), sig);
    assertThatThrownBy(() -> NostrEvents.verifiedAuthor(wrongSig))
        .isInstanceOf(java.security.SignatureException.class)
        .hasMessage("invalid event signature");
  }

  @Test
  void verify_offCurvePubkey_throwsInvalidKey() {
    String offCurve =
        "eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34"; // BIP-340 row 5
    String id = NostrEvents.computeId(offCurve, 1L, 1, List.of(), "");
    SignedEvent e = new SignedEvent(id, offCurve, 1L, 1, List.of(), "", "00".repeat(64));
    assertThatThrownBy(() -> NostrEvents.verify(e))
        .isInstanceOf(java.security.InvalidKeyException.class);
  }

  @Test
  void records_badShapes_throwIllegalArgument() throws Exception {
    PublicKey pk = PublicKey.fromHex(PUB_1);
    assertThatThrownBy(() -> new UnsignedEvent(pk, 1L, 65536, List.of(), ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new UnsignedEvent(pk, -1L, 1, List.of(), ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new SignedEvent(PUB_1.toUpperCase(), PUB_1, 1L, 1, List.of(), "", "00".repeat(64)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SignedEvent(PUB_1, PUB_1, 1L, 1, List.of(), "", "00".repeat(63)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tags_mutableOnesCopied_unmodifiableOnesKept_nullsRefused() {
    List<String> tag = new java.util.ArrayList<>(List.of("p", PUB_1));
    List<List<String>> mutable = new java.util.ArrayList<>(List.of(tag));
    SignedEvent copied = new SignedEvent("a".repeat(64), PUB_1, 1, 1, mutable, "", "b".repeat(128));
    tag.set(1, "changed");
    mutable.add(List.of("e"));
    assertThat(copied.tags()).isEqualTo(List.of(List.of("p", PUB_1)));
    assertThatThrownBy(() -> copied.tags().get(0).add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> copied.tags().add(List.of()))
        .isInstanceOf(UnsupportedOperationException.class);

    List<List<String>> unmodifiable = List.of(List.of("p", PUB_1), List.of("t", "x"));
    SignedEvent kept =
        new SignedEvent("a".repeat(64), PUB_1, 1, 1, unmodifiable, "", "b".repeat(128));
    assertThat(kept.tags()).isSameAs(unmodifiable);

    List<List<String>> mixed = List.of(List.of("t", "x"), new java.util.ArrayList<>(List.of("y")));
    SignedEvent fromMixed =
        new SignedEvent("a".repeat(64), PUB_1, 1, 1, mixed, "", "b".repeat(128));
    assertThat(fromMixed.tags()).isNotSameAs(mixed).isEqualTo(mixed);
    assertThatThrownBy(() -> fromMixed.tags().get(1).add("z"))
        .isInstanceOf(UnsupportedOperationException.class);

    List<String> withNull = new java.util.ArrayList<>();
    withNull.add(null);
    assertThatThrownBy(
            () ->
                new SignedEvent(
                    "a".repeat(64), PUB_1, 1, 1, List.of(withNull), "", "b".repeat(128)))
        .isInstanceOf(NullPointerException.class);
  }
}
