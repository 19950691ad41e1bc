package dev.keycast.nip46;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.nip46.testing.Nip46Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Connection URIs survive format then parse, over the published generators. */
class ConnectUriProperties {

  @Property(tries = 200)
  void bunkerUri_formatThenParse_isEqual(@ForAll("bunkerUris") BunkerUri uri) {
    assertThat(BunkerUri.parse(uri.format())).isEqualTo(uri);
  }

  @Property(tries = 200)
  void nostrConnectUri_formatThenParse_isEqual(@ForAll("nostrConnectUris") NostrConnectUri uri) {
    assertThat(NostrConnectUri.parse(uri.format())).isEqualTo(uri);
  }

  @Provide
  Arbitrary<BunkerUri> bunkerUris() {
    return Nip46Arbitraries.bunkerUris();
  }

  @Provide
  Arbitrary<NostrConnectUri> nostrConnectUris() {
    return Nip46Arbitraries.nostrConnectUris();
  }
}
