package dev.keycast.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class Nip44ConversationKeyCacheTest {

  @Test
  void get_samePair_returnsDerivedKey() throws Exception {
    SecretKey a = SecretKey.generate();
    SecretKey b = SecretKey.generate();
    Nip44ConversationKeyCache cache = new Nip44ConversationKeyCache(4);
    Nip44ConversationKey k1 = cache.get(a, b.publicKey());
    assertThat(k1)
        .isEqualTo(Nip44ConversationKey.derive(a, b.publicKey()))
        .isEqualTo(Nip44ConversationKey.derive(b, a.publicKey()));
    assertThat(cache.get(a, b.publicKey())).isSameAs(k1);
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void get_moreDistinctPeersThanMax_staysBounded() throws Exception {
    SecretKey a = SecretKey.generate();
    Nip44ConversationKeyCache cache = new Nip44ConversationKeyCache(3);
    for (int i = 0; i < 20; i++) {
      PublicKey peer = SecretKey.generate().publicKey();
      assertThat(cache.get(a, peer)).isEqualTo(Nip44ConversationKey.derive(a, peer));
      assertThat(cache.size()).isLessThanOrEqualTo(3);
    }
  }

  @Test
  void get_recentlyUsedEntry_survivesEviction() throws Exception {
    SecretKey a = SecretKey.generate();
    PublicKey hot = SecretKey.generate().publicKey();
    Nip44ConversationKeyCache cache = new Nip44ConversationKeyCache(4);
    Nip44ConversationKey hotKey = cache.get(a, hot);
    for (int i = 0; i < 30; i++) {
      assertThat(cache.get(a, hot)).isSameAs(hotKey); // keep it the most recently used
      cache.get(a, SecretKey.generate().publicKey());
    }
    assertThat(cache.get(a, hot)).isSameAs(hotKey);
  }

  @Test
  void get_concurrentCallers_consistentResults() throws Exception {
    SecretKey a = SecretKey.generate();
    List<PublicKey> peers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      peers.add(SecretKey.generate().publicKey());
    }
    Nip44ConversationKeyCache cache = new Nip44ConversationKeyCache(5);
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 200; i++) {
                    PublicKey peer = peers.get(i % peers.size());
                    assertThat(cache.get(a, peer)).isEqualTo(Nip44ConversationKey.derive(a, peer));
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    }
    assertThat(cache.size()).isLessThanOrEqualTo(5);
  }

  @Test
  void constructor_nonPositiveMax_throwsIllegalArgument() {
    assertThatThrownBy(() -> new Nip44ConversationKeyCache(0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
