package dev.keycast.nip46.bunker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.EventJson;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.server.ApprovalHook;
import dev.keycast.nip46.store.AesGcmKeyEncryption;
import dev.keycast.nip46.store.AuditEntry;
import dev.keycast.nip46.store.AuditOutcome;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.MasterKey;
import dev.keycast.nip46.store.NewAuthorization;
import dev.keycast.queue.ConcurrentQueueStatsCounter;
import dev.keycast.queue.CpuExecutorConfig;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * How many CPU-executor calls a warm request costs (issue 15): one with the default handler
 * (verify, authorize, decrypt, policy, the signature and the reply's seal in one call), two when
 * the handler is decorated or has its own approval hook (their code may block: the handler runs on
 * the worker). The answers, denials and audit entries are the same either way.
 */
class WarmRequestCpuCallsTest {
  /** The bunker's handler set-ups. */
  enum Handler {
    DEFAULT(b -> b, 1),
    DECORATED(b -> b.decorateHandler(UnaryOperator.identity()), 2),
    OWN_APPROVAL_HOOK(b -> b.approvalHook(ApprovalHook.policyOnly()), 2);

    final UnaryOperator<Bunker.Builder> setUp;
    final int warmCalls;

    Handler(UnaryOperator<Bunker.Builder> setUp, int warmCalls) {
      this.setUp = setUp;
      this.warmCalls = warmCalls;
    }
  }

  @ParameterizedTest
  @EnumSource(Handler.class)
  void warmSignEvent_callsTheCpuExecutorOnce_withTheDefaultHandler(Handler handler)
      throws Exception {
    ConcurrentQueueStatsCounter cpuStats = new ConcurrentQueueStatsCounter();
    CapturingTransport transport = new CapturingTransport();
    try (KeycastDatabase db =
        KeycastDatabase.open(
            "jdbc:sqlite:" + Files.createTempDirectory("keycast-warm").resolve("k.db"),
            AesGcmKeyEncryption.create(MasterKey.random()))) {
      db.keys().generate("alice");
      Authorization a =
          db.authorizations()
              .create(
                  NewAuthorization.builder("alice")
                      .relays(List.of(CapturingTransport.RELAY))
                      .policyName("social")
                      .build());
      try (Bunker bunker =
          handler
              .setUp
              .apply(
                  Bunker.builder()
                      .database(db)
                      .relays(List.of(CapturingTransport.RELAY))
                      .cpuExecutor(
                          CpuExecutorConfig.builder()
                              .name("warm-test")
                              .threads(1)
                              .statsCounter(cpuStats)
                              .build())
                      .transport(b -> transport))
              .build()
              .start()) {
        Client c = new Client(transport, a.bunkerPublicKey());
        assertThat(
                c.ask(
                    "connect", "[\"" + a.bunkerPublicKey().toHex() + "\",\"" + a.secret() + "\"]"))
            .isEqualTo(Nip46Response.ok("connect", "ack"));
        c.ask("sign_event", signParams(1, "cold")); // loads the connection and the user key
        for (int i = 0; i < 3; i++) {
          long before = cpuStats.snapshot().submitted();
          Nip46Response r = c.ask("sign_event", signParams(1, "warm " + i));
          assertThat(cpuStats.snapshot().submitted() - before)
              .as("CPU calls of warm sign_event %d", i)
              .isEqualTo(handler.warmCalls);
          SignedEvent signed = EventJson.parse(((Nip46Response.Ok) r).result());
          assertThat(signed.content()).isEqualTo("warm " + i);
          assertThat(NostrEvents.verifiedAuthor(signed)).isEqualTo(a.userPublicKey());
        }
        // A kind the policy denies: answered and audited once, in the same number of calls plus
        // the reply's own seal (a denial is not sealed ahead).
        long before = cpuStats.snapshot().submitted();
        Nip46Response denied = c.ask("sign_event", signParams(9735, "not social"));
        assertThat(denied).isInstanceOf(Nip46Response.Error.class);
        assertThat(cpuStats.snapshot().submitted() - before).isEqualTo(2);
        await("audit entries written")
            .atMost(Duration.ofSeconds(10))
            .until(() -> db.audit().recent(100).size() >= 6);
        List<AuditEntry> audit = db.audit().recent(100);
        assertThat(audit.stream().filter(e -> e.outcome() == AuditOutcome.DENIED).count())
            .isEqualTo(1);
        assertThat(
                audit.stream()
                    .filter(
                        e -> e.outcome() == AuditOutcome.ALLOWED && "sign_event".equals(e.method()))
                    .count())
            .isEqualTo(4);
      }
    }
  }

  private static String signParams(int kind, String content) {
    String template =
        "{\"kind\":"
            + kind
            + ",\"content\":\""
            + content
            + "\",\"tags\":[],\"created_at\":"
            + System.currentTimeMillis() / 1000
            + "}";
    return "[" + NostrEvents.jsonString(template) + "]";
  }

  /** One client key talking to the bunker through the capturing transport. */
  private static final class Client {
    private final CapturingTransport transport;
    private final PublicKey signer;
    private final SecretKey key = SecretKey.generate();
    private int next;

    Client(CapturingTransport transport, PublicKey signer) {
      this.transport = transport;
      this.signer = signer;
    }

    Nip46Response ask(String method, String params) throws Exception {
      String id = method.equals("connect") ? "connect" : "r" + next++;
      String body =
          "{\"id\":\"" + id + "\",\"method\":\"" + method + "\",\"params\":" + params + "}";
      return transport.ask(key, signer, body, 1).get(0);
    }
  }
}
