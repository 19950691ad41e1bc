package dev.keycast.nip46.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.relay.DevRelay;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A client built for a {@code bunker://} URI derives its NIP-44 conversation key with the signer
 * while its relays connect, so its first request does no ECDH; a NIP-04 client derives none.
 */
class ConversationKeyAheadTest {

  @Test
  void nip44Client_derivesItsConversationKeyBeforeItsFirstRequest() throws Exception {
    try (DevRelay relay = DevRelay.start("127.0.0.1", 0);
        Nip46Client c =
            Nip46Client.builder(
                    new BunkerUri(SecretKey.generate().publicKey(), List.of(relay.url()), null),
                    SecretKey.generate())
                .build()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> c.conversationKeysHeld() == 1);
    }
  }

  @Test
  void nip04Client_derivesNoNip44Key() throws Exception {
    try (DevRelay relay = DevRelay.start("127.0.0.1", 0);
        Nip46Client c =
            Nip46Client.builder(
                    new BunkerUri(SecretKey.generate().publicKey(), List.of(relay.url()), null),
                    SecretKey.generate())
                .nip04()
                .build()) {
      assertThat(c.awaitConnected(Duration.ofSeconds(10))).isTrue();
      assertThat(c.conversationKeysHeld()).isZero();
    }
  }
}
