package dev.keycast.nip46.bunker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.Nip46Request;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.server.RequestContext;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class HandleStageTest {
  static final Nip46Request PING = new Nip46Request.Ping("p");
  static final Nip46Response INTERNAL = Nip46Response.error("p", "internal error");

  final RequestContext ctx =
      new RequestContext(
          SecretKey.generate().publicKey(),
          SecretKey.generate().publicKey(),
          null,
          List.of("wss://r.invalid"),
          Instant.now(),
          interim -> {});

  @Test
  void handle_answerNow_done() {
    CompletableFuture<Nip46Response> r =
        new HandleStage(
                (req, c) -> CompletableFuture.completedFuture(Nip46Response.ok(req.id(), "pong")))
            .handle(PING, ctx);
    assertThat(r).isCompletedWithValue(Nip46Response.ok("p", "pong"));
  }

  @Test
  void handle_throwsReturnsNullOrFails_internalError() {
    assertThat(
            new HandleStage(
                    (req, c) -> {
                      throw new IllegalStateException("boom");
                    })
                .handle(PING, ctx))
        .isCompletedWithValue(INTERNAL);
    assertThat(new HandleStage((req, c) -> null).handle(PING, ctx)).isCompletedWithValue(INTERNAL);
    assertThat(
            new HandleStage(
                    (req, c) -> CompletableFuture.failedFuture(new RuntimeException("async")))
                .handle(PING, ctx))
        .isCompletedWithValue(INTERNAL);
  }

  @Test
  void handle_answerLater_completesWhenTheHandlerDoes() {
    CompletableFuture<Nip46Response> later = new CompletableFuture<>();
    CompletableFuture<Nip46Response> r = new HandleStage((req, c) -> later).handle(PING, ctx);
    assertThat(r).isNotDone();
    later.complete(Nip46Response.ok("p", "pong"));
    assertThat(r).isCompletedWithValue(Nip46Response.ok("p", "pong"));
  }
}
