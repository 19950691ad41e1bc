package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.PublicKey;
import dev.keycast.nip46.server.Approvals;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Approvers' answers remembered for a while, per (authorization, client, permission): in memory
 * only, bounded to {@value #MAX_ENTRIES} entries (expired ones are dropped when it fills; beyond
 * that a new answer is not remembered, and the next request asks again). Thread-safe; never blocks.
 */
final class RememberedAnswers {
  private static final Logger LOG = LoggerFactory.getLogger(RememberedAnswers.class);
  static final int MAX_ENTRIES = 10_000;

  private record Key(long authorizationId, PublicKey client, String permission) {}

  private record Answer(Approvals.Verdict verdict, Instant expiresAt) {}

  private final Map<Key, Answer> answers = new ConcurrentHashMap<>();

  /** Returns the answer in force at {@code now}, or null. */
  Approvals.@Nullable Verdict lookup(
      long authorizationId, PublicKey client, String permission, Instant now) {
    Key k = new Key(authorizationId, client, permission);
    Answer a = answers.get(k);
    if (a == null) {
      return null;
    }
    if (!a.expiresAt().isAfter(now)) {
      answers.remove(k, a);
      return null;
    }
    return a.verdict();
  }

  /** Remembers an answer until {@code expiresAt} (replacing an earlier one). */
  void remember(
      long authorizationId,
      PublicKey client,
      String permission,
      Approvals.Verdict verdict,
      Instant expiresAt,
      Instant now) {
    if (answers.size() >= MAX_ENTRIES) {
      answers.values().removeIf(a -> !a.expiresAt().isAfter(now));
      if (answers.size() >= MAX_ENTRIES) {
        LOG.warn("{} remembered approval answers: this one is not remembered", MAX_ENTRIES);
        return;
      }
    }
    answers.put(new Key(authorizationId, client, permission), new Answer(verdict, expiresAt));
  }

  /** The answers in force at {@code now}, soonest to expire first. */
  List<Approvals.Remembered> list(Instant now) {
    List<Approvals.Remembered> out = new ArrayList<>();
    answers.forEach(
        (k, a) -> {
          if (a.expiresAt().isAfter(now)) {
            out.add(
                new Approvals.Remembered(
                    k.authorizationId(), k.client(), k.permission(), a.verdict(), a.expiresAt()));
          }
        });
    out.sort(Comparator.comparing(Approvals.Remembered::expiresAt));
    return out;
  }

  /** Forgets every answer for a client of an authorization; returns how many. */
  int forget(long authorizationId, PublicKey client) {
    int[] n = {0};
    answers
        .keySet()
        .removeIf(
            k -> {
              boolean hit = k.authorizationId() == authorizationId && k.client().equals(client);
              if (hit) {
                n[0]++;
              }
              return hit;
            });
    return n[0];
  }
}
