package dev.keycast.nip46.bunker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.Nip46Request;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.server.RequestHandler;
import dev.keycast.nip46.store.AesGcmKeyEncryption;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.MasterKey;
import dev.keycast.nip46.store.NewAuthorization;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A custom handler that throws, fails its stage or returns null still gets the client an answer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HandlerGuardTest {
  KeycastDatabase db;
  CapturingTransport transport = new CapturingTransport();
  Bunker bunker;
  PublicKey signer;

  @BeforeAll
  void start() throws Exception {
    db =
        KeycastDatabase.open(
            "jdbc:sqlite:" + Files.createTempDirectory("keycast-guard").resolve("k.db"),
            AesGcmKeyEncryption.create(MasterKey.random()));
    db.keys().generate("alice");
    Authorization a =
        db.authorizations()
            .create(
                NewAuthorization.builder("alice")
                    .relays(List.of(CapturingTransport.RELAY))
                    .build());
    signer = a.bunkerPublicKey();
    RequestHandler broken =
        (request, ctx) ->
            switch (request) {
              case Nip46Request.Ping p ->
                  throw new IllegalStateException("boom with a secret detail");
              case Nip46Request.GetPublicKey g ->
                  CompletableFuture.failedFuture(new RuntimeException("async boom"));
              case Nip46Request.Logout l -> null;
              default ->
                  CompletableFuture.supplyAsync(
                      () -> {
                        ctx.sendInterim(
                            new Nip46Response.AuthUrl(request.id(), "https://example.invalid/ok"));
                        return Nip46Response.ok(request.id(), "later");
                      });
            };
    bunker =
        Bunker.builder()
            .database(db)
            .relays(List.of(CapturingTransport.RELAY))
            .handler(broken)
            .transport(b -> transport)
            .build()
            .start();
  }

  @AfterAll
  void stop() {
    bunker.close();
    db.close();
  }

  List<Nip46Response> ask(String method) throws Exception {
    return ask(method, 1);
  }

  List<Nip46Response> ask(String method, int replies) throws Exception {
    String body = "{\"id\":\"r1\",\"method\":\"" + method + "\",\"params\":[]}";
    return transport.ask(SecretKey.generate(), signer, body, replies);
  }

  @Test
  void handlerThrows_internalError() throws Exception {
    assertThat(ask("ping")).containsExactly(Nip46Response.error("r1", "internal error"));
  }

  @Test
  void handlerStageFails_internalError() throws Exception {
    assertThat(ask("get_public_key")).containsExactly(Nip46Response.error("r1", "internal error"));
  }

  @Test
  void handlerReturnsNull_internalError() throws Exception {
    assertThat(ask("logout")).containsExactly(Nip46Response.error("r1", "internal error"));
  }

  @Test
  void handlerAnswersLaterWithInterim_bothSent() throws Exception {
    assertThat(ask("switch_relays", 2))
        .containsExactlyInAnyOrder(
            new Nip46Response.AuthUrl("r1", "https://example.invalid/ok"),
            Nip46Response.ok("r1", "later"));
  }
}
