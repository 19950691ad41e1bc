package dev.keycast.nip46;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SecretKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConnectUriTest {
  private static final PublicKey KEY = SecretKey.generate().publicKey();
  private static final String HEX = KEY.toHex();

  @Test
  void bunker_parse_readsRelaysAndSecret() {
    BunkerUri u =
        BunkerUri.parse(
            "bunker://"
                + HEX
                + "?relay=wss%3A%2F%2Fr1.example&relay=ws://127.0.0.1:7777&secret=abc");
    assertThat(u.signerPubkey()).isEqualTo(KEY);
    assertThat(u.relays()).containsExactly("wss://r1.example", "ws://127.0.0.1:7777");
    assertThat(u.secret()).isEqualTo("abc");
    assertThat(u.toString()).doesNotContain("secret=abc").contains("secret=***");
  }

  @Test
  void bunker_formatThenParse_roundTrips() {
    BunkerUri u =
        new BunkerUri(KEY, List.of("wss://a.example/path?x=1&y=2", "ws://b:1"), "s e+c/r=t&");
    assertThat(BunkerUri.parse(u.format())).isEqualTo(u);
    BunkerUri noSecret = new BunkerUri(KEY, List.of("wss://a.example"), null);
    assertThat(noSecret.format()).isEqualTo("bunker://" + HEX + "?relay=wss%3A%2F%2Fa.example");
    assertThat(BunkerUri.parse(noSecret.format())).isEqualTo(noSecret);
  }

  @Test
  void bunker_format_matchesNostrToolsBunkerRegex() {
    // nostr-tools 2.x parseBunkerInput: /^bunker:\/\/([0-9a-f]{64})\??([?\/\w:.=&%-]*)$/
    java.util.regex.Pattern nostrTools =
        java.util.regex.Pattern.compile("^bunker://([0-9a-f]{64})\\??([?/\\w:.=&%-]*)$");
    BunkerUri u =
        new BunkerUri(
            KEY, List.of("wss://r.example/p?x=1&y=a%20b", "ws://[::1]:7777"), "a b*c+d~e/é");
    assertThat(u.format()).matches(nostrTools);
    assertThat(BunkerUri.parse(u.format())).isEqualTo(u);
    assertThat(u.toString()).contains("secret=***").doesNotContain("a%20b");
    // Checked by hand: nostr-tools 2.25.2 parseBunkerInput(u.format()) returns these relays and
    // this secret.
  }

  @Test
  void bunker_uppercaseKeyAndScheme_accepted() {
    BunkerUri u = BunkerUri.parse("BUNKER://" + HEX.toUpperCase() + "/?relay=wss://r#frag");
    assertThat(u.signerPubkey()).isEqualTo(KEY);
    assertThat(u.relays()).containsExactly("wss://r");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "bunker:/x",
        "http://abc",
        "nostrconnect://KEY?relay=wss://r&secret=s",
        "bunker://?relay=wss://r",
        "bunker://abcd?relay=wss://r",
        "bunker://KEY",
        "bunker://KEY?secret=s",
        "bunker://KEY?relay=https://r",
        "bunker://KEY?relay=wss://",
        "bunker://KEY?relay=%zz",
        "bunker://KEY?relay=wss://r%",
        "bunker://ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff?relay=wss://r",
        "bunker://KEY?relay=wss://exa mple",
      })
  void bunker_bad_throwsTyped(String text) {
    assertThatThrownBy(() -> BunkerUri.parse(text.replace("KEY", HEX)))
        .isInstanceOf(InvalidConnectUriException.class)
        .hasMessageNotContaining("secret=");
  }

  @Test
  void nostrconnect_parse_currentForm() {
    NostrConnectUri u =
        NostrConnectUri.parse(
            "nostrconnect://"
                + HEX
                + "?relay=wss%3A%2F%2Fr1&relay=wss%3A%2F%2Fr2&secret=0s&perms=nip44_encrypt%2Csign_event%3A4"
                + "&name=My+App&url=https%3A%2F%2Fapp.example&image=https%3A%2F%2Fapp.example%2Fi.png");
    assertThat(u.clientPubkey()).isEqualTo(KEY);
    assertThat(u.relays()).containsExactly("wss://r1", "wss://r2");
    assertThat(u.secret()).isEqualTo("0s");
    assertThat(u.perms()).isEqualTo(PermissionSet.parse("nip44_encrypt,sign_event:4"));
    assertThat(u.name()).isEqualTo("My App");
    assertThat(u.url()).isEqualTo("https://app.example");
    assertThat(u.image()).isEqualTo("https://app.example/i.png");
    assertThat(NostrConnectUri.parse(u.format())).isEqualTo(u);
    assertThat(u.toString()).contains("secret=***").doesNotContain("0s");
  }

  @Test
  void nostrconnect_parse_outputOfNostrTools() {
    // Recorded from nostr-tools 2.25.2 createNostrConnectURI (URLSearchParams: '+' for space, '*'
    // unescaped).
    String g = "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
    NostrConnectUri u =
        NostrConnectUri.parse(
            "nostrconnect://"
                + g
                + "?relay=wss%3A%2F%2Fa.example"
                + "&relay=ws%3A%2F%2F127.0.0.1%3A7777&secret=s+e*c&perms=sign_event%3A1%2Cnip44_encrypt&name=My+App"
                + "&url=https%3A%2F%2Fx.example&image=https%3A%2F%2Fx.example%2Fi.png");
    assertThat(u.clientPubkey().toHex()).isEqualTo(g);
    assertThat(u.relays()).containsExactly("wss://a.example", "ws://127.0.0.1:7777");
    assertThat(u.secret()).isEqualTo("s e*c");
    assertThat(u.perms())
        .isEqualTo(
            PermissionSet.of(Permission.signEvent(1), Permission.of(Nip46Method.NIP44_ENCRYPT)));
    assertThat(u.name()).isEqualTo("My App");
    assertThat(u.url()).isEqualTo("https://x.example");
    assertThat(u.image()).isEqualTo("https://x.example/i.png");
  }

  @Test
  void nostrconnect_legacyMetadataAndIcon_accepted() {
    String meta =
        UriQueryEncoding.encode(
            "{\"name\":\"Old\",\"url\":\"https://old\",\"description\":\"d\","
                + "\"icons\":[\"https://old/icon.png\"]}");
    NostrConnectUri u =
        NostrConnectUri.parse("nostrconnect://" + HEX + "?relay=wss://r&secret=s&metadata=" + meta);
    assertThat(u.name()).isEqualTo("Old");
    assertThat(u.url()).isEqualTo("https://old");
    assertThat(u.image()).isEqualTo("https://old/icon.png");
    assertThat(u.perms().isEmpty()).isTrue();

    NostrConnectUri icon =
        NostrConnectUri.parse(
            "nostrconnect://"
                + HEX
                + "?relay=wss://r&secret=s&name=New&icon=https%3A%2F%2Fi&metadata="
                + meta);
    assertThat(icon.name()).isEqualTo("New");
    assertThat(icon.image()).isEqualTo("https://i");
    assertThat(icon.url()).isEqualTo("https://old");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "nostrconnect://KEY?relay=wss://r",
        "nostrconnect://KEY?relay=wss://r&secret=",
        "nostrconnect://KEY?secret=s",
        "nostrconnect://KEY?relay=ftp://r&secret=s",
        "nostrconnect://KEY?relay=wss://r&secret=s&perms=sign_event%3Ax",
        "nostrconnect://KEY?relay=wss://r&secret=s&metadata=notjson",
        "nostrconnect://KEY?relay=wss://r&secret=s&metadata=%5B%5D",
        "nostrconnect://KEY?relay=wss://r&secret=s&metadata=%7B%22name%22%3A5%7D",
        "nostrconnect://KEY?relay=wss://r&secret=s&metadata=%7B%22icons%22%3A%5B1%5D%7D",
        "nostrconnect://zz?relay=wss://r&secret=s",
        "bunker://KEY?relay=wss://r&secret=s",
      })
  void nostrconnect_bad_throwsTyped(String text) {
    assertThatThrownBy(() -> NostrConnectUri.parse(text.replace("KEY", HEX)))
        .isInstanceOf(InvalidConnectUriException.class);
  }

  /** Percent-encoding as a client would write it. */
  static final class UriQueryEncoding {
    static String encode(String s) {
      return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  void nostrconnect_tooManyRelays_refusedWithAClearError() {
    StringBuilder uri = new StringBuilder("nostrconnect://" + HEX + "?secret=s");
    for (int i = 0; i <= NostrConnectUri.MAX_RELAYS; i++) {
      uri.append("&relay=wss://r").append(i).append(".example");
    }
    assertThatThrownBy(() -> NostrConnectUri.parse(uri.toString()))
        .isInstanceOf(InvalidConnectUriException.class)
        .hasMessageContaining("at most 16");
    assertThat(
            NostrConnectUri.parse("nostrconnect://" + HEX + "?secret=s&relay=wss://a&relay=ws://b")
                .relays())
        .hasSize(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://r", "https://r", "file:///etc/passwd", "javascript:alert(1)"})
  void nostrconnect_relayNotWebSocket_refused(String relay) {
    assertThatThrownBy(
            () -> NostrConnectUri.parse("nostrconnect://" + HEX + "?secret=s&relay=" + relay))
        .isInstanceOf(InvalidConnectUriException.class);
  }
}
