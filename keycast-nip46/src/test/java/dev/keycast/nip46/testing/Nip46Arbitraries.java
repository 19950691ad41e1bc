package dev.keycast.nip46.testing;

import dev.keycast.crypto.testing.CryptoArbitraries;
import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.Nip46Method;
import dev.keycast.nip46.NostrConnectUri;
import dev.keycast.nip46.Permission;
import dev.keycast.nip46.PermissionSet;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik {@link Arbitrary} factories for NIP-46 connection URIs. Every generated URI is valid: its
 * {@code format()} parses back to an equal value. Secrets and names are printable strings, which
 * the URIs percent-encode.
 *
 * <p>Thread-safety: stateless; the arbitraries are safe to share. Never blocks.
 */
public final class Nip46Arbitraries {
  private Nip46Arbitraries() {}

  /**
   * {@code bunker://} URIs: a signer key, one to three relays, a secret or none.
   *
   * @return the arbitrary
   */
  public static Arbitrary<BunkerUri> bunkerUris() {
    return Combinators.combine(CryptoArbitraries.publicKeys(), relays(), secrets().injectNull(0.2))
        .as(BunkerUri::new);
  }

  /**
   * {@code nostrconnect://} URIs: a client key, one to three relays, a secret, requested
   * permissions (possibly none) and optional name, url and image.
   *
   * @return the arbitrary
   */
  public static Arbitrary<NostrConnectUri> nostrConnectUris() {
    Arbitrary<String> name = printable(24).injectNull(0.3);
    Arbitrary<String> web =
        CryptoArbitraries.relayUrls()
            .map(u -> u.replaceFirst("^wss?://", "https://"))
            .injectNull(0.5);
    return Combinators.combine(
            CryptoArbitraries.publicKeys(), relays(), secrets(), permissionSets(), name, web, web)
        .as(NostrConnectUri::new);
  }

  /**
   * Permission sets as a client requests them: up to five of {@code sign_event:<kind>} and the
   * other methods.
   *
   * @return the arbitrary
   */
  public static Arbitrary<PermissionSet> permissionSets() {
    Arbitrary<Permission> perm =
        Arbitraries.oneOf(
            Arbitraries.integers().between(0, 65_535).map(Permission::signEvent),
            Arbitraries.of(
                    Nip46Method.NIP44_ENCRYPT,
                    Nip46Method.NIP44_DECRYPT,
                    Nip46Method.NIP04_ENCRYPT,
                    Nip46Method.NIP04_DECRYPT,
                    Nip46Method.GET_PUBLIC_KEY,
                    Nip46Method.PING)
                .map(Permission::of));
    return perm.list().ofMaxSize(5).map(PermissionSet::of);
  }

  private static Arbitrary<List<String>> relays() {
    return CryptoArbitraries.relayUrls().list().uniqueElements().ofMinSize(1).ofMaxSize(3);
  }

  private static Arbitrary<String> secrets() {
    return printable(32);
  }

  private static Arbitrary<String> printable(int maxLength) {
    return Arbitraries.strings()
        .withCharRange('!', '~')
        .withChars(' ')
        .ofMinLength(1)
        .ofMaxLength(maxLength);
  }
}
