package dev.keycast.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keycast.crypto.internal.Bech32;
import dev.keycast.crypto.internal.Secp256k1;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cross-implementation fixtures made by nostr-tools ({@code interop/fixtures/generate.mjs},
 * committed under {@code src/test/resources/fixtures/nostr-tools/}): Java must reproduce event ids,
 * serialisation and signatures, verify them, derive the same NIP-44 conversation keys, produce the
 * same NIP-44 payloads from the same nonce, decrypt NIP-44 and NIP-04, decode NIP-19 and decrypt
 * NIP-49, and reject what nostr-tools rejects.
 */
class NostrToolsFixturesTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DIR = "/fixtures/nostr-tools/";

  static JsonNode json(String name) throws IOException {
    try (InputStream in = NostrToolsFixturesTest.class.getResourceAsStream(DIR + name)) {
      assertThat(in).as(name).isNotNull();
      return JSON.readTree(in);
    }
  }

  static List<String> eventLines() throws IOException {
    try (InputStream in = NostrToolsFixturesTest.class.getResourceAsStream(DIR + "events.jsonl")) {
      assertThat(in).isNotNull();
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return Arrays.stream(text.split("\n")).filter(l -> !l.isEmpty()).toList();
    }
  }

  static List<List<String>> tags(JsonNode node) {
    List<List<String>> tags = new ArrayList<>();
    for (JsonNode tag : node) {
      List<String> t = new ArrayList<>();
      tag.forEach(v -> t.add(v.textValue()));
      tags.add(t);
    }
    return tags;
  }

  static SignedEvent signedEvent(JsonNode e) {
    return new SignedEvent(
        e.get("id").textValue(),
        e.get("pubkey").textValue(),
        e.get("created_at").longValue(),
        e.get("kind").intValue(),
        tags(e.get("tags")),
        e.get("content").textValue(),
        e.get("sig").textValue());
  }

  // ------------------------------------------------------------------------------------------------ events

  @Test
  void events_idsJsonAndSignatures_reproducedAndVerified() throws Exception {
    List<String> lines = eventLines();
    JsonNode keys = json("event-keys.json").get("keys");
    assertThat(lines).hasSizeGreaterThanOrEqualTo(200).hasSize(keys.size());
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String id = "event line " + (i + 1);
      try {
        JsonNode e = JSON.readTree(line);
        SignedEvent event = signedEvent(e);
        SecretKey sk = SecretKey.fromHex(keys.get(i).get("sec").textValue());
        UnsignedEvent unsigned =
            new UnsignedEvent(
                PublicKey.fromHex(event.pubkey()),
                event.createdAt(),
                event.kind(),
                event.tags(),
                event.content());
        if (!unsigned.id().equals(event.id())) {
          failures.add(id + ": id " + unsigned.id() + " != " + event.id());
        }
        if (!sk.publicKey().toHex().equals(event.pubkey())) {
          failures.add(id + ": public key differs");
        }
        if (!event.toJson().equals(line)) {
          failures.add(id + ": toJson differs from JSON.stringify");
        }
        NostrEvents.verify(event);
        byte[] aux = HEX.parseHex(keys.get(i).get("aux").textValue());
        String sig = HEX.formatHex(SchnorrSigner.create(sk).sign(HEX.parseHex(event.id()), aux));
        if (!sig.equals(event.sig())) {
          failures.add(id + ": signature with the same aux differs");
        }
      } catch (GeneralSecurityException | RuntimeException | IOException ex) {
        failures.add(id + ": " + ex);
      }
    }
    assertThat(failures).isEmpty();
  }

  static List<Secp256k1> backends() {
    return TestBackends.all();
  }

  @ParameterizedTest
  @MethodSource("backends")
  void events_signAndVerify_sameOnEveryBackend(Secp256k1 backend) throws Exception {
    List<String> lines = eventLines();
    JsonNode keys = json("event-keys.json").get("keys");
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      JsonNode e = JSON.readTree(lines.get(i));
      byte[] id = HEX.parseHex(e.get("id").textValue());
      byte[] sig = HEX.parseHex(e.get("sig").textValue());
      byte[] pub = HEX.parseHex(e.get("pubkey").textValue());
      byte[] sec = HEX.parseHex(keys.get(i).get("sec").textValue());
      byte[] aux = HEX.parseHex(keys.get(i).get("aux").textValue());
      if (!backend.verify(sig, id, pub)) {
        failures.add("line " + (i + 1) + ": signature rejected");
      }
      if (!Arrays.equals(backend.prepare(sec).sign(id, aux), sig)) {
        failures.add("line " + (i + 1) + ": signature differs");
      }
    }
    assertThat(failures).as(backend.name()).isEmpty();
  }

  @Test
  void events_tamperedByNostrToolsStandards_rejected() throws Exception {
    JsonNode invalid = json("event-keys.json").get("invalid");
    assertThat(invalid.size()).isGreaterThanOrEqualTo(20);
    List<String> failures = new ArrayList<>();
    for (JsonNode c : invalid) {
      try {
        NostrEvents.verify(signedEvent(JSON.readTree(c.get("json").textValue())));
        failures.add(c.get("reason").textValue() + ": accepted");
      } catch (GeneralSecurityException expected) {
        // nostr-tools' verifyEvent returned false for it too
      }
    }
    assertThat(failures).isEmpty();
  }

  // ------------------------------------------------------------------------------------------------ NIP-44

  static String plaintext(JsonNode c) {
    return c.has("plaintext")
        ? c.get("plaintext").textValue()
        : c.get("pattern").textValue().repeat(c.get("repeat").intValue());
  }

  @Test
  void nip44_conversationKeysPayloadsAndPlaintexts_match() throws Exception {
    JsonNode file = json("nip44.json");
    assertThat(file.get("extended_length_supported").booleanValue()).isTrue();
    JsonNode cases = file.get("cases");
    assertThat(cases.size()).isGreaterThanOrEqualTo(100);
    List<String> failures = new ArrayList<>();
    int i = 0;
    boolean sawExtended = false;
    for (JsonNode c : cases) {
      String id = "nip44 case " + i++ + " (" + c.get("utf8_length").intValue() + " bytes)";
      sawExtended |= c.get("utf8_length").intValue() >= 65536;
      try {
        byte[] expectedKey = HEX.parseHex(c.get("conversation_key").textValue());
        Nip44ConversationKey k12 =
            Nip44ConversationKey.derive(
                SecretKey.fromHex(c.get("sec1").textValue()),
                PublicKey.fromHex(c.get("pub2").textValue()));
        Nip44ConversationKey k21 =
            Nip44ConversationKey.derive(
                SecretKey.fromHex(c.get("sec2").textValue()),
                PublicKey.fromHex(c.get("pub1").textValue()));
        if (!Arrays.equals(k12.toBytes(InsecureSecretKeyAccess.get()), expectedKey)
            || !Arrays.equals(k21.toBytes(InsecureSecretKeyAccess.get()), expectedKey)) {
          failures.add(id + ": conversation key differs");
        }
        String input = plaintext(c);
        String expected = c.has("decrypted") ? c.get("decrypted").textValue() : input;
        String payload = c.get("payload").textValue();
        if (!Nip44Cipher.decrypt(payload, k21).equals(expected)) {
          failures.add(id + ": decrypted plaintext differs");
        }
        byte[] nonce = HEX.parseHex(c.get("nonce").textValue());
        if (!Nip44Cipher.encrypt(input, k12, nonce).equals(payload)) {
          failures.add(id + ": payload with the same nonce differs");
        }
      } catch (GeneralSecurityException | RuntimeException ex) {
        failures.add(id + ": " + ex);
      }
    }
    assertThat(sawExtended).as("fixtures include plaintexts of 65536 bytes or more").isTrue();
    assertThat(failures).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("backends")
  void nip44_conversationKeys_sameOnEveryBackend(Secp256k1 backend) throws Exception {
    JsonNode cases = json("nip44.json").get("cases");
    List<String> failures = new ArrayList<>();
    int i = 0;
    for (JsonNode c : cases) {
      byte[] sharedX =
          backend.ecdhX(
              HEX.parseHex(c.get("sec1").textValue()), HEX.parseHex(c.get("pub2").textValue()));
      // HKDF-extract(salt = "nip44-v2", IKM = shared x) is one HMAC-SHA256 keyed with the salt.
      javax.crypto.Mac hmac = javax.crypto.Mac.getInstance("HmacSHA256");
      hmac.init(
          new javax.crypto.spec.SecretKeySpec(
              "nip44-v2".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      if (!HEX.formatHex(hmac.doFinal(sharedX)).equals(c.get("conversation_key").textValue())) {
        failures.add("nip44 case " + i + ": conversation key differs");
      }
      i++;
    }
    assertThat(failures).as(backend.name()).isEmpty();
  }

  @Test
  void nip44_payloadsNostrToolsRejects_throwGeneralSecurityException() throws Exception {
    JsonNode invalid = json("nip44.json").get("invalid");
    assertThat(invalid.size()).isGreaterThanOrEqualTo(20);
    List<String> failures = new ArrayList<>();
    for (JsonNode c : invalid) {
      Nip44ConversationKey key =
          Nip44ConversationKey.fromBytes(HEX.parseHex(c.get("conversation_key").textValue()));
      try {
        Nip44Cipher.decrypt(c.get("payload").textValue(), key);
        failures.add(c.get("reason").textValue() + ": accepted");
      } catch (GeneralSecurityException expected) {
        // the one failure contract
      } catch (RuntimeException ex) {
        failures.add(
            c.get("reason").textValue() + ": " + ex + " instead of GeneralSecurityException");
      }
    }
    assertThat(failures).isEmpty();
  }

  // ------------------------------------------------------------------------------------------------ NIP-04

  @Test
  void nip04_payloads_decryptBothWays() throws Exception {
    JsonNode cases = json("nip04.json").get("cases");
    assertThat(cases.size()).isGreaterThanOrEqualTo(50);
    List<String> failures = new ArrayList<>();
    int i = 0;
    for (JsonNode c : cases) {
      String id = "nip04 case " + i++;
      try {
        String expected =
            c.has("decrypted") ? c.get("decrypted").textValue() : c.get("plaintext").textValue();
        String payload = c.get("payload").textValue();
        if (!Nip04Cipher.looksLikeNip04(payload)) {
          failures.add(id + ": not recognised as NIP-04");
        }
        String byRecipient =
            Nip04Cipher.decrypt(
                payload,
                SecretKey.fromHex(c.get("sec2").textValue()),
                PublicKey.fromHex(c.get("pub1").textValue()));
        String bySender =
            Nip04Cipher.decrypt(
                payload,
                SecretKey.fromHex(c.get("sec1").textValue()),
                PublicKey.fromHex(c.get("pub2").textValue()));
        if (!byRecipient.equals(expected) || !bySender.equals(expected)) {
          failures.add(id + ": plaintext differs");
        }
      } catch (GeneralSecurityException | RuntimeException ex) {
        failures.add(id + ": " + ex);
      }
    }
    assertThat(failures).isEmpty();
  }

  // ------------------------------------------------------------------------------------------------ NIP-19

  @Test
  void nip19_allStrings_decodeAndReencode() throws Exception {
    JsonNode file = json("nip19.json");
    List<String> failures = new ArrayList<>();
    int count = 0;
    for (JsonNode c : file.get("npub")) {
      count++;
      PublicKey key = PublicKey.fromHex(c.get("hex").textValue());
      String s = c.get("bech32").textValue();
      if (!Nip19.decodeNpub(s).equals(key)
          || !Nip19.encodeNpub(key).equals(s)
          || !Nip19.decode(s).equals(new Nip19Entity.Npub(key))) {
        failures.add("npub " + s);
      }
    }
    for (JsonNode c : file.get("nsec")) {
      count++;
      SecretKey key = SecretKey.fromHex(c.get("hex").textValue());
      String s = c.get("bech32").textValue();
      if (!Nip19.decodeNsec(s).equals(key)
          || !Nip19.encodeNsec(key, InsecureSecretKeyAccess.get()).equals(s)) {
        failures.add("nsec #" + count);
      }
    }
    for (JsonNode c : file.get("note")) {
      count++;
      String hex = c.get("hex").textValue();
      String s = c.get("bech32").textValue();
      if (!Nip19.decodeNote(s).equals(hex) || !Nip19.encodeNote(hex).equals(s)) {
        failures.add("note " + s);
      }
    }
    for (JsonNode c : file.get("nprofile")) {
      count++;
      String s = c.get("bech32").textValue();
      List<String> relays = new ArrayList<>();
      c.get("relays").forEach(r -> relays.add(r.textValue()));
      Nip19Profile expected =
          new Nip19Profile(PublicKey.fromHex(c.get("pubkey").textValue()), relays);
      try {
        Nip19Profile p = Nip19.decodeNprofile(s);
        // nostr-tools writes relays before the key; Keycast writes the key first. Both must decode
        // alike.
        if (!p.equals(expected)
            || !Nip19.decodeNprofile(Nip19.encodeNprofile(p)).equals(expected)) {
          failures.add("nprofile " + s + " decoded as " + p);
        }
      } catch (RuntimeException ex) {
        failures.add("nprofile " + s + ": " + ex);
      }
    }
    assertThat(count).isGreaterThanOrEqualTo(200);
    assertThat(failures).isEmpty();
  }

  @Test
  void nip19_stringsNostrToolsRejects_throwFormatException() throws Exception {
    JsonNode invalid = json("nip19.json").get("invalid");
    assertThat(invalid.size()).isGreaterThanOrEqualTo(20);
    List<String> failures = new ArrayList<>();
    for (JsonNode c : invalid) {
      try {
        Nip19.decode(c.get("string").textValue());
        failures.add(c.get("reason").textValue() + ": accepted " + c.get("string").textValue());
      } catch (Nip19FormatException expected) {
        // as nostr-tools
      }
    }
    assertThat(failures).isEmpty();
  }

  // ------------------------------------------------------------------------------------------------ NIP-49

  @Test
  void nip49_ncryptsecs_decryptAndReencryptIdentically() throws Exception {
    JsonNode cases = json("nip49.json").get("cases");
    assertThat(cases.size()).isGreaterThanOrEqualTo(30);
    List<String> failures = new ArrayList<>();
    int i = 0;
    for (JsonNode c : cases) {
      String id = "nip49 case " + i++ + " (log_n " + c.get("log_n").intValue() + ")";
      try {
        char[] password = c.get("password").textValue().toCharArray();
        String s = c.get("ncryptsec").textValue();
        SecretKey key = Nip49.decrypt(s, password);
        if (!HEX.formatHex(key.toBytes(InsecureSecretKeyAccess.get()))
            .equals(c.get("sec").textValue())) {
          failures.add(id + ": wrong key");
        }
        // The NFKC form of the password works too.
        if (!Nip49.decrypt(s, c.get("nfkc").textValue().toCharArray()).equals(key)) {
          failures.add(id + ": NFKC password failed");
        }
        // With nostr-tools' salt and nonce, Java's encryption is byte-identical.
        byte[] data = Bech32.decode(s, Nip19.MAX_LENGTH).data();
        String again =
            Nip49.encrypt(
                key,
                password,
                data[1],
                data[42],
                Arrays.copyOfRange(data, 2, 18),
                Arrays.copyOfRange(data, 18, 42));
        if (!again.equals(s)) {
          failures.add(id + ": re-encryption differs");
        }
      } catch (GeneralSecurityException | RuntimeException ex) {
        failures.add(id + ": " + ex);
      }
    }
    assertThat(failures).isEmpty();
  }
}
