package dev.keycast.nip46.store.internal;

import dev.keycast.crypto.PublicKey;
import dev.keycast.nip46.store.RememberedApproval;
import dev.keycast.nip46.store.RememberedApprovalStore;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RememberedApprovalStore#inMemory()}: a concurrent map bounded to {@value #MAX_ENTRIES}
 * answers. Thread-safe; never blocks.
 */
public final class InMemoryRememberedApprovals implements RememberedApprovalStore {
  private static final Logger LOG = LoggerFactory.getLogger(InMemoryRememberedApprovals.class);

  /** The most answers kept. */
  public static final int MAX_ENTRIES = 10_000;

  private record Key(long authorizationId, PublicKey client, String permission) {}

  private final Map<Key, RememberedApproval> answers = new ConcurrentHashMap<>();

  /** Creates an empty store. */
  public InMemoryRememberedApprovals() {}

  @Override
  public boolean remember(RememberedApproval a) {
    if (answers.size() >= MAX_ENTRIES) {
      deleteExpired(a.decidedAt());
      if (answers.size() >= MAX_ENTRIES) {
        LOG.warn("{} remembered approval answers: this one is not remembered", MAX_ENTRIES);
        return false;
      }
    }
    answers.put(new Key(a.authorizationId(), a.clientPublicKey(), a.permission()), a);
    return true;
  }

  @Override
  public Optional<RememberedApproval> find(
      long authorizationId, PublicKey clientPublicKey, String permission, Instant now) {
    Key k = new Key(authorizationId, clientPublicKey, permission);
    RememberedApproval a = answers.get(k);
    if (a == null) {
      return Optional.empty();
    }
    if (!a.expiresAt().isAfter(now)) {
      answers.remove(k, a);
      return Optional.empty();
    }
    return Optional.of(a);
  }

  @Override
  public List<RememberedApproval> list(Instant now, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    return answers.values().stream()
        .filter(a -> a.expiresAt().isAfter(now))
        .sorted(Comparator.comparing(RememberedApproval::expiresAt))
        .limit(limit)
        .toList();
  }

  @Override
  public int forget(long authorizationId, PublicKey clientPublicKey) {
    int[] n = {0};
    answers
        .keySet()
        .removeIf(
            k -> {
              boolean hit =
                  k.authorizationId() == authorizationId && k.client().equals(clientPublicKey);
              if (hit) {
                n[0]++;
              }
              return hit;
            });
    return n[0];
  }

  @Override
  public int deleteExpired(Instant now) {
    int before = answers.size();
    answers.values().removeIf(a -> !a.expiresAt().isAfter(now));
    return Math.max(0, before - answers.size());
  }
}
