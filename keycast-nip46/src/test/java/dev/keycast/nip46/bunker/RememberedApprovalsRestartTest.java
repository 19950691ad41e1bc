package dev.keycast.nip46.bunker;

import static dev.keycast.nip46.bunker.Fixture.note;
import static dev.keycast.nip46.bunker.Fixture.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.Filter;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.client.Nip46Client;
import dev.keycast.nip46.client.Nip46Result;
import dev.keycast.nip46.client.Nip46Result.Failure;
import dev.keycast.nip46.client.Nip46Result.Success;
import dev.keycast.nip46.server.Approvals.Verdict;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.KeycastDatabase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A remembered approval answer outlives the bunker that took it: an operator allows kind 30023 "for
 * 10 minutes" on one bunker, that bunker stops, a new bunker starts on the same database (a
 * restart, or another cluster member taking over), and the client's next kind-30023 request is
 * answered by the new bunker without an {@code auth_url}. A remembered denial carries over the same
 * way. Real relay, real client, SQLite.
 */
class RememberedApprovalsRestartTest {

  @Test
  void rememberedAnswers_surviveARestartOnTheSameDatabase() throws Exception {
    try (Fixture fx = new Fixture(1, BunkerApprovalTest.configure(Duration.ofMinutes(5)))) {
      Authorization a = fx.authorize("asking", 1);
      List<String> urls = new CopyOnWriteArrayList<>();
      Nip46Client c =
          fx.client(a, SecretKey.generate(), b -> b.onAuthUrl((id, url) -> urls.add(url)));
      assertThat(result(c.connect(PermissionSet.empty()))).isEqualTo(new Success("ack"));

      CompletableFuture<Nip46Result> first = c.signEvent(note(30023, "one"));
      await().atMost(Fixture.WAIT).until(() -> urls.size() == 1);
      String id = urls.get(0).substring(BunkerApprovalTest.URL_BASE.length());
      fx.bunker.approvals().decide(id, Verdict.ALLOW, Duration.ofMinutes(10), "test");
      assertThat(result(first)).isInstanceOf(Success.class);
      CompletableFuture<Nip46Result> enc =
          c.nip44Encrypt(SecretKey.generate().publicKey(), "secret");
      await().atMost(Fixture.WAIT).until(() -> urls.size() == 2);
      String encId = urls.get(1).substring(BunkerApprovalTest.URL_BASE.length());
      fx.bunker.approvals().decide(encId, Verdict.DENY, Duration.ofHours(1), "test");
      assertThat(result(enc)).isEqualTo(new Failure("permission denied: approval denied"));

      fx.bunker.close(); // the first daemon stops; its memory is gone
      try (KeycastDatabase handle = fx.secondHandle()) {
        Bunker.Builder b =
            Bunker.builder()
                .database(handle)
                .relays(fx.relayUrls())
                .pollInterval(Duration.ofMillis(200))
                .shutdownDeadline(Duration.ofSeconds(2));
        BunkerApprovalTest.configure(Duration.ofMinutes(5)).accept(b);
        try (Bunker restarted = b.build().start()) {
          String hex = a.bunkerPublicKey().toHex();
          await().atMost(Fixture.WAIT).until(() -> restarted.signerKeys().contains(hex));
          Predicate<Filter> forKey =
              f ->
                  f.kinds() != null
                      && f.kinds().contains(24133)
                      && (!f.tags().containsKey('p') || f.tags().get('p').contains(hex));
          assertThat(fx.relays.get(0).awaitSubscription(forKey, Fixture.WAIT)).isTrue();
          assertThat(restarted.approvals().remembered())
              .extracting(r -> r.permission() + "=" + r.verdict())
              .containsExactlyInAnyOrder("sign_event:30023=ALLOW", "nip44_encrypt=DENY");

          // answered by the new bunker without asking
          Nip46Result second = result(c.signEvent(note(30023, "two")));
          assertThat(second).isInstanceOf(Success.class);
          assertThat(Fixture.verifiedEvent(((Success) second).result()).content()).isEqualTo("two");
          assertThat(result(c.nip44Encrypt(SecretKey.generate().publicKey(), "again")))
              .isEqualTo(new Failure("permission denied: approval denied"));
          assertThat(urls).hasSize(2);
          assertThat(restarted.approvals().pending()).isEmpty();
        }
      }
    }
  }
}
