package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.server.SignerError;
import dev.keycast.queue.CpuExecutor;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends replies: the seal stage on the CPU executor, then the publish stage. A reply computed now
 * is sent on the calling worker; interim replies ({@code auth_url}) and answers that complete later
 * (approvals) are sent on the sender's own virtual threads ({@code keycast-reply-N}). At shutdown,
 * {@link #finish} answers every request still waiting for its later answer with {@code shutting
 * down} ({@link #answerWaitingShuttingDown}).
 *
 * <p>Thread-safe; holds no lock. {@link #send} blocks while the CPU executor seals and while the
 * relays make room.
 */
final class ReplySender {
  private static final Logger LOG = LoggerFactory.getLogger(ReplySender.class);

  private final CpuExecutor cpu;
  private final CountedCpu counted;
  private final SealStage seal;
  private final PublishStage publish;
  private final Set<Reply> waiting = ConcurrentHashMap.newKeySet();
  private final ExecutorService replyThreads =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("keycast-reply-", 0).factory());

  ReplySender(CpuExecutor cpu, CountedCpu counted, SealStage seal, PublishStage publish) {
    this.cpu = cpu;
    this.counted = counted;
    this.seal = seal;
    this.publish = publish;
  }

  /**
   * Seals (on the CPU executor) and publishes one response. A refused seal is counted and the reply
   * dropped.
   */
  void send(Reply reply, Nip46Response response) throws InterruptedException {
    send(reply, response, null);
  }

  /**
   * Opens a {@link SealAhead} for the handler that answers {@code reply} on the calling worker.
   * Close it when the handler returns.
   */
  SealAhead sealAhead(Reply reply) {
    return SealAhead.open(reply, seal);
  }

  /**
   * Publishes {@code response} as {@code ahead} sealed it, or seals and publishes it as {@link
   * #send(Reply, Nip46Response)} does when it sealed something else (or nothing).
   */
  void send(Reply reply, Nip46Response response, @Nullable SealAhead ahead)
      throws InterruptedException {
    SignedEvent sealedAhead = ahead == null ? null : ahead.sealedFor(response);
    if (sealedAhead != null) {
      var unused = publish.publish(reply, response, sealedAhead);
      return;
    }
    SignedEvent out;
    try {
      out = cpu.call("reply", TaskRegistry.timed("reply", () -> seal.seal(reply, response)));
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      counted.refused(e);
      return;
    }
    var unused = publish.publish(reply, response, out);
  }

  /** Sends {@code response} on a reply thread. Never blocks. */
  void sendLater(Reply reply, Nip46Response response) {
    replyThreads.execute(() -> sendQuietly(reply, response));
  }

  /**
   * Sends the answer when {@code answer} completes, on a reply thread, then runs {@code done}; or,
   * if the sender finishes first, answers {@code shutting down} instead. Never blocks.
   */
  void whenAnswered(Reply reply, CompletableFuture<Nip46Response> answer, Runnable done) {
    waiting.add(reply);
    // The callback hands the reply to a reply thread; nothing waits for it (a closed sender answers
    // the waiting
    // requests itself, see answerWaitingShuttingDown).
    var unused =
        answer.whenComplete(
            (r, ex) -> {
              if (waiting.remove(reply)) {
                replyThreads.execute(
                    () -> {
                      try {
                        sendQuietly(reply, r);
                      } finally {
                        done.run();
                      }
                    });
              }
            });
  }

  /** Returns how many requests wait for a later answer (approvals). */
  int waitingCount() {
    return waiting.size();
  }

  /**
   * Answers every request still waiting for a later answer with {@code shutting down}. Never
   * blocks.
   */
  void answerWaitingShuttingDown() {
    for (Reply r : new ArrayList<>(waiting)) {
      if (waiting.remove(r)) {
        sendLater(r, Nip46Response.error(r.requestId(), SignerError.SHUTTING_DOWN.wireText()));
      }
    }
  }

  /**
   * Lets the reply threads finish until {@code deadlineNanos} ({@link System#nanoTime()}), then
   * stops them.
   */
  void finish(long deadlineNanos) {
    try {
      replyThreads.shutdown();
      replyThreads.awaitTermination(
          Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    replyThreads.shutdownNow();
  }

  private void sendQuietly(Reply reply, Nip46Response response) {
    try {
      send(reply, response);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("reply failed", e);
    }
  }
}
