package dev.keycast.nip46.store.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.policy.Policies;
import dev.keycast.nip46.policy.Policy;
import dev.keycast.nip46.policy.RateLimit;
import dev.keycast.nip46.store.PolicyStore;
import dev.keycast.nip46.store.StoreException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jspecify.annotations.Nullable;

/** {@link PolicyStore} over JDBI. Thread-safe; all methods block on the database. */
public final class JdbiPolicyStore implements PolicyStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {};
  private static final String COLUMNS =
      "name, permissions, blocked_words, self_encryption_only, rate_limit_max, rate_limit_window_ms,"
          + " max_future_ms, max_past_ms, ask_permissions";

  private static final RowMapper<Policy> MAPPER =
      (rs, c) -> {
        try {
          return new Policy(
              rs.getString("name"),
              PermissionSet.parse(rs.getString("permissions")),
              JSON.readValue(rs.getString("blocked_words"), STRING_LIST),
              rs.getInt("self_encryption_only") == 1,
              new RateLimit(
                  rs.getInt("rate_limit_max"),
                  Duration.ofMillis(rs.getLong("rate_limit_window_ms"))),
              Duration.ofMillis(rs.getLong("max_future_ms")),
              maxPast(rs.getObject("max_past_ms")),
              PermissionSet.parse(rs.getString("ask_permissions")));
        } catch (JsonProcessingException | RuntimeException e) {
          throw new StoreException("corrupt row in policies: " + rs.getString("name"), e);
        }
      };

  private final StoreContext ctx;

  private static @Nullable Duration maxPast(@Nullable Object millis) {
    return millis == null ? null : Duration.ofMillis(((Number) millis).longValue());
  }

  /**
   * Creates the store.
   *
   * @param ctx shared context
   */
  public JdbiPolicyStore(StoreContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void save(Policy policy) {
    if (Policies.builtIn(policy.name()).isPresent()) {
      throw new IllegalArgumentException("'" + policy.name() + "' is a built-in policy name");
    }
    String words;
    try {
      words = JSON.writeValueAsString(policy.blockedWords());
    } catch (JsonProcessingException e) {
      throw new StoreException("cannot encode blocked words", e);
    }
    long now = ctx.nowMillis();
    Duration past = policy.maxPast();
    Long pastMillis = past == null ? null : past.toMillis();
    StoreErrors.run(
        "save policy",
        () ->
            ctx.writer()
                .inTransaction(
                    h -> {
                      ctx.bumpChangeVersion(h);
                      return h.createUpdate(
                              "INSERT INTO policies ("
                                  + COLUMNS
                                  + ", created_at, updated_at) VALUES "
                                  + "(:name, :perms, :words, :self, :max, :window, :future, :past, :ask, :now, :now)"
                                  + " ON CONFLICT (name) DO UPDATE SET "
                                  + "permissions = excluded.permissions, blocked_words = excluded.blocked_words, "
                                  + "self_encryption_only = excluded.self_encryption_only, rate_limit_max = excluded.rate_limit_max, "
                                  + "rate_limit_window_ms = excluded.rate_limit_window_ms, "
                                  + "max_future_ms = excluded.max_future_ms, max_past_ms = excluded.max_past_ms, "
                                  + "ask_permissions = excluded.ask_permissions, "
                                  + "updated_at = excluded.updated_at")
                          .bind("name", policy.name())
                          .bind("perms", policy.permissions().toString())
                          .bind("words", words)
                          .bind("self", policy.selfEncryptionOnly() ? 1 : 0)
                          .bind("max", policy.rateLimit().maxRequests())
                          .bind("window", policy.rateLimit().window().toMillis())
                          .bind("future", policy.maxFuture().toMillis())
                          .bind("past", pastMillis)
                          .bind("ask", policy.askPermissions().toString())
                          .bind("now", now)
                          .execute();
                    }));
  }

  @Override
  public Optional<Policy> find(String name) {
    return StoreErrors.run(
        "find policy",
        () ->
            ctx.reader()
                .withHandle(
                    h ->
                        h.createQuery("SELECT " + COLUMNS + " FROM policies WHERE name = :name")
                            .bind("name", name)
                            .map(MAPPER)
                            .findOne()));
  }

  @Override
  public List<Policy> list() {
    return StoreErrors.run(
        "list policies",
        () ->
            ctx.reader()
                .withHandle(
                    h ->
                        h.createQuery("SELECT " + COLUMNS + " FROM policies ORDER BY name")
                            .map(MAPPER)
                            .list()));
  }

  @Override
  public boolean delete(String name) {
    return StoreErrors.run(
        "delete policy",
        () ->
            ctx.writer()
                .inTransaction(
                    h -> {
                      ctx.bumpChangeVersion(h);
                      int users =
                          h.createQuery(
                                  "SELECT COUNT(*) FROM authorizations WHERE policy_name = :name")
                              .bind("name", name)
                              .mapTo(Integer.class)
                              .one();
                      if (users > 0) {
                        throw new StoreException(
                            "policy '" + name + "' is used by " + users + " authorization(s)");
                      }
                      return h.createUpdate("DELETE FROM policies WHERE name = :name")
                              .bind("name", name)
                              .execute()
                          > 0;
                    }));
  }
}
