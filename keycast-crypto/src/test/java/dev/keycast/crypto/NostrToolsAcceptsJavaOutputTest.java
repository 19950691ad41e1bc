package dev.keycast.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The reverse direction of {@link NostrToolsFixturesTest}: Java makes events, NIP-44 and NIP-04
 * payloads, NIP-19 strings and ncryptsecs with wild content, writes them to {@code
 * target/interop/java-fixtures.json}, and {@code node interop/fixtures/verify.mjs} checks each with
 * the pinned nostr-tools (verifyEvent, getEventHash, byte-exact JSON.stringify, nip44/nip04
 * decrypt, nip19 decode, nip49 decrypt). The test asserts Node exits 0 with every entry counted.
 *
 * <p>Without {@code node} or {@code interop/node_modules} the test is skipped with a message,
 * unless the environment variable {@code CI} is {@code true}, in which case it fails ({@code
 * ./test} runs {@code npm ci} first).
 */
class NostrToolsAcceptsJavaOutputTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final int EVENTS = 220;
  private static final int NIP44 = 80;
  private static final int NIP04 = 40;
  private static final int NIP49 = 12;

  private final Random random =
      new Random(0x6b657963L); // fixed seed: the same wild strings on every run

  @Test
  void javaOutput_acceptedByNostrTools() throws Exception {
    NodeInterop node = NodeInterop.require();

    StringBuilder json = new StringBuilder(1 << 20).append('{');
    int nip19 = 0;
    json.append("\"events\":[");
    for (int i = 0; i < EVENTS; i++) {
      SignedEvent e =
          NostrEvents.sign(
              new UnsignedEvent(
                  key(i % 7).publicKey(),
                  createdAt(),
                  kind(),
                  tags(),
                  i % 50 == 7 ? longString(30_000) : wild(i % 5 == 0 ? 400 : 40)),
              SchnorrSigner.create(key(i % 7)));
      json.append(i == 0 ? "" : ",").append(NostrEvents.jsonString(e.toJson()));
    }
    json.append("],\"nip44\":[");
    for (int i = 0; i < NIP44; i++) {
      SecretKey sender = SecretKey.generate();
      SecretKey recipient = SecretKey.generate();
      Nip44ConversationKey k = Nip44ConversationKey.derive(sender, recipient.publicKey());
      String plaintext =
          switch (i) {
            case 0 -> "a".repeat(65535);
            case 1 -> "a".repeat(65536);
            case 2 -> "\u20ac".repeat(40_000); // 120000 UTF-8 bytes: the extended length prefix
            case 3 -> "x";
            default -> nonEmpty(wild(i % 4 == 0 ? 2000 : 100));
          };
      json.append(i == 0 ? "" : ",")
          .append("{\"sender_pub\":\"")
          .append(sender.publicKey().toHex())
          .append("\",\"recipient_sec\":\"")
          .append(hex(recipient))
          .append("\",\"conversation_key\":\"")
          .append(HEX.formatHex(k.toBytes(InsecureSecretKeyAccess.get())))
          .append("\",\"plaintext\":")
          .append(NostrEvents.jsonString(plaintext))
          .append(",\"payload\":")
          .append(NostrEvents.jsonString(Nip44Cipher.encrypt(plaintext, k)))
          .append('}');
    }
    json.append("],\"nip04\":[");
    for (int i = 0; i < NIP04; i++) {
      SecretKey sender = SecretKey.generate();
      SecretKey recipient = SecretKey.generate();
      String plaintext = i == 0 ? "" : wild(i % 4 == 0 ? 1000 : 60);
      json.append(i == 0 ? "" : ",")
          .append("{\"sender_pub\":\"")
          .append(sender.publicKey().toHex())
          .append("\",\"recipient_sec\":\"")
          .append(hex(recipient))
          .append("\",\"plaintext\":")
          .append(NostrEvents.jsonString(plaintext))
          .append(",\"payload\":")
          .append(
              NostrEvents.jsonString(Nip04Cipher.encrypt(plaintext, sender, recipient.publicKey())))
          .append('}');
    }
    json.append("],\"nip19\":[");
    for (int i = 0; i < 30; i++) {
      SecretKey k = SecretKey.generate();
      String id = HEX.formatHex(bytes(32));
      json.append(nip19 == 0 ? "" : ",");
      json.append(entry("npub", k.publicKey().toHex(), Nip19.encodeNpub(k.publicKey())))
          .append(',');
      json.append(entry("nsec", hex(k), Nip19.encodeNsec(k, InsecureSecretKeyAccess.get())))
          .append(',');
      json.append(entry("note", id, Nip19.encodeNote(id))).append(',');
      List<String> relays = new ArrayList<>();
      for (int r = random.nextInt(5); r > 0; r--) {
        relays.add(
            random.nextBoolean()
                ? "wss://relay" + random.nextInt(1000) + ".example.com"
                : "wss://" + wellFormed(wild(20)));
      }
      relays.removeIf(r -> r.getBytes(StandardCharsets.UTF_8).length > Nip19.MAX_RELAY_BYTES);
      StringBuilder relayJson = new StringBuilder("[");
      for (int r = 0; r < relays.size(); r++) {
        relayJson.append(r == 0 ? "" : ",").append(NostrEvents.jsonString(relays.get(r)));
      }
      json.append("{\"type\":\"nprofile\",\"pubkey\":\"")
          .append(k.publicKey().toHex())
          .append("\",\"relays\":")
          .append(relayJson)
          .append("],\"bech32\":\"")
          .append(Nip19.encodeNprofile(new Nip19Profile(k.publicKey(), relays)))
          .append("\"}");
      nip19 += 4;
    }
    json.append("],\"nip49\":[");
    for (int i = 0; i < NIP49; i++) {
      SecretKey k = SecretKey.generate();
      String password =
          switch (i) {
            case 0 -> "\u212B\u2126\u1E9B\u0323";
            case 1 -> "";
            case 2 -> "\ud800 lone";
            default -> wild(16);
          };
      int logN = 1 + i % 6;
      byte ksb = (byte) (i % 3);
      json.append(i == 0 ? "" : ",")
          .append("{\"password\":")
          .append(NostrEvents.jsonString(password))
          .append(",\"sec\":\"")
          .append(hex(k))
          .append("\",\"log_n\":")
          .append(logN)
          .append(",\"key_security\":")
          .append(ksb)
          .append(",\"ncryptsec\":\"")
          .append(Nip49.encrypt(k, password.toCharArray(), logN, ksb))
          .append("\"}");
    }
    json.append("]}");

    Path out = Path.of("target", "interop", "java-fixtures.json").toAbsolutePath();
    Files.createDirectories(out.getParent());
    Files.writeString(out, json, StandardCharsets.UTF_8);

    NodeInterop.Result run = node.run("interop/fixtures/verify.mjs", out.toString());
    assertThat(run.exitCode()).as("verify.mjs exit code; output:\n" + run.output()).isZero();
    JsonNode result = new ObjectMapper().readTree(run.lastLine());
    assertThat(result.get("failures").size()).isZero();
    assertThat(result.get("events").intValue()).isEqualTo(EVENTS);
    assertThat(result.get("nip44").intValue()).isEqualTo(NIP44);
    assertThat(result.get("nip04").intValue()).isEqualTo(NIP04);
    assertThat(result.get("nip19").intValue()).isEqualTo(nip19);
    assertThat(result.get("nip49").intValue()).isEqualTo(NIP49);
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private final SecretKey[] keys = new SecretKey[7];

  private SecretKey key(int i) {
    if (keys[i] == null) {
      keys[i] = SecretKey.generate();
    }
    return keys[i];
  }

  private static String hex(SecretKey k) {
    return HEX.formatHex(k.toBytes(InsecureSecretKeyAccess.get()));
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private long createdAt() {
    return switch (random.nextInt(5)) {
      case 0 -> 0;
      case 1 -> 9_007_199_254_740_991L; // Number.MAX_SAFE_INTEGER: the largest exact JS integer
      case 2 -> 4_294_967_296L;
      default -> 1_600_000_000L + random.nextInt(300_000_000);
    };
  }

  private int kind() {
    return random.nextInt(4) == 0
        ? new int[] {0, 1, 24133, 65535}[random.nextInt(4)]
        : random.nextInt(65536);
  }

  private List<List<String>> tags() {
    List<List<String>> tags = new ArrayList<>();
    for (int n = random.nextInt(6); n > 0; n--) {
      List<String> tag = new ArrayList<>();
      for (int m = random.nextInt(5); m > 0; m--) {
        tag.add(wild(15));
      }
      tags.add(tag);
    }
    return tags;
  }

  private static final String[] SPECIAL = {
    "\"",
    "\\",
    "/",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\uffff",
    "\u0085",
    "\u007f",
    "\ud83d\ude00",
    "\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67",
    "\ud834\udd1e",
    "</script>",
    "\\u0000",
    "e\u0301",
    "\r\n"
  };

  /**
   * Up to {@code maxChars} code units of everything JSON and UTF-8 can trip on, lone surrogates
   * included.
   */
  private String wild(int maxChars) {
    int n = random.nextInt(maxChars + 1);
    StringBuilder sb = new StringBuilder(n + 8);
    while (sb.length() < n) {
      switch (random.nextInt(10)) {
        case 0, 1, 2, 3 -> sb.append((char) (0x20 + random.nextInt(0x5f)));
        case 4 -> sb.append((char) random.nextInt(0x20));
        case 5 -> sb.append(SPECIAL[random.nextInt(SPECIAL.length)]);
        case 6 -> sb.append((char) (0x80 + random.nextInt(0x780)));
        case 7 -> sb.appendCodePoint(0x10000 + random.nextInt(0x100000));
        case 8 -> sb.append((char) (0xd800 + random.nextInt(0x800))); // lone surrogate
        default -> {
          int c = 0x800 + random.nextInt(0xf7fe);
          sb.append((char) (c >= 0xd800 && c < 0xe000 ? 0x4e2d : c));
        }
      }
    }
    return sb.toString();
  }

  private String longString(int chars) {
    StringBuilder sb = new StringBuilder(chars);
    while (sb.length() < chars) {
      sb.append(
          random.nextInt(10) == 0 ? wild(3) : String.valueOf((char) (0x20 + random.nextInt(0x5f))));
    }
    return sb.toString();
  }

  private String nonEmpty(String s) {
    return s.isEmpty() ? "\u0000" : s;
  }

  /** Drops lone surrogates (relay URLs must be valid UTF-16 to be encodable). */
  private static String wellFormed(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        sb.append(c).append(s.charAt(++i));
      } else if (!Character.isSurrogate(c)) {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static String entry(String type, String hex, String bech32) {
    return "{\"type\":\"" + type + "\",\"hex\":\"" + hex + "\",\"bech32\":\"" + bech32 + "\"}";
  }
}
