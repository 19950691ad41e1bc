package dev.keycast.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keycast.cli.KeysCommand;
import dev.keycast.cli.UsageException;
import dev.keycast.crypto.PublicKey;
import dev.keycast.nip46.bunker.Bunker;
import dev.keycast.nip46.policy.Policies;
import dev.keycast.nip46.policy.Policy;
import dev.keycast.nip46.server.TaskSnapshot;
import dev.keycast.nip46.store.AuditEntry;
import dev.keycast.nip46.store.AuditOutcome;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.ConnectedClient;
import dev.keycast.nip46.store.DuplicateEntryException;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.NewAuthorization;
import dev.keycast.nip46.store.StoreException;
import dev.keycast.nip46.store.StoredKey;
import dev.keycast.queue.StuckTask;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The admin API under {@code /api/v1/}: one method per resource, all registered by {@link
 * #register} on the daemon's {@link HttpEndpoints} behind the bearer token. Request bodies and
 * responses are JSON; bad input is {@code 400 {"error": …}}, an unknown id {@code 404}, a clash
 * {@code 409}. Mutations are written to the audit log as {@code admin.*} entries (no secret in
 * them). Secrets (a new authorization's connect secret in its bunker URI) appear only in the
 * response that creates them.
 *
 * <p>Thread-safe: the handlers run concurrently on virtual threads and block on the database.
 */
public final class AdminApi {
  /** The path prefix of every route. */
  public static final String PREFIX = "/api/v1";

  private static final int MAX_AUDIT_LIMIT = 1000;
  private static final int AUDIT_WINDOW = 10_000;

  private final KeycastDatabase db;
  private final Supplier<List<String>> relays;
  private final Supplier<@Nullable Bunker> bunker;
  private final String publicUrl;
  private final Clock clock;

  /**
   * @param db the daemon's database
   * @param relays the relays a new authorization uses when the request names none
   * @param bunker the running bunker (null while starting), for the task view
   * @param publicUrl the base of links the daemon hands out
   * @param clock the time of audit entries and expiries
   */
  public AdminApi(
      KeycastDatabase db,
      Supplier<List<String>> relays,
      Supplier<@Nullable Bunker> bunker,
      String publicUrl,
      Clock clock) {
    this.db = db;
    this.relays = relays;
    this.bunker = bunker;
    this.publicUrl = publicUrl;
    this.clock = clock;
  }

  /**
   * Registers every route of this class. Other resources (approvals, a console) register theirs
   * beside these with {@link HttpEndpoints#addAdminRoute}.
   *
   * @param http the daemon's endpoints
   * @param token the current admin token
   */
  public void register(HttpEndpoints http, Supplier<AdminToken> token) {
    http.addAdminRoute(PREFIX + "/info", token, wrap(this::info));
    http.addAdminRoute(PREFIX + "/keys", token, wrap(this::keys));
    http.addAdminRoute(PREFIX + "/authorizations", token, wrap(this::authorizations));
    http.addAdminRoute(PREFIX + "/clients", token, wrap(this::clients));
    http.addAdminRoute(PREFIX + "/policies", token, wrap(this::policies));
    http.addAdminRoute(PREFIX + "/audit", token, wrap(this::audit));
    http.addAdminRoute(PREFIX + "/tasks", token, wrap(this::tasks));
  }

  /** A request as a route sees it: method, path segments after the resource, query, body. */
  private static final class Request {
    private final String method;
    private final List<String> rest;
    private final Map<String, String> query;
    private final byte[] body;

    Request(String method, List<String> rest, Map<String, String> query, byte[] body) {
      this.method = method;
      this.rest = rest;
      this.query = query;
      this.body = body;
    }

    String method() {
      return method;
    }

    List<String> rest() {
      return rest;
    }

    Map<String, String> query() {
      return query;
    }

    JsonNode json() {
      try {
        JsonNode n = Json.read(body);
        if (n == null || !n.isObject()) {
          throw new ApiException(400, "the body must be a JSON object");
        }
        return n;
      } catch (IOException e) {
        throw new ApiException(400, "the body is not valid JSON");
      }
    }
  }

  /** An answer other than 2xx, with a message safe to show. */
  private static final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    ApiException(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  @FunctionalInterface
  private interface Route {
    HttpEndpoints.AdminResponse handle(Request r) throws Exception;
  }

  private static HttpEndpoints.AdminRoute wrap(Route route) {
    return (method, path, query, body) -> {
      List<String> segments = new ArrayList<>();
      for (String s : path.substring(PREFIX.length()).split("/", -1)) {
        if (!s.isEmpty()) {
          segments.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
        }
      }
      try {
        return route.handle(
            new Request(method, segments.subList(1, segments.size()), query(query), body));
      } catch (ApiException e) {
        return error(e.status, Objects.requireNonNullElse(e.getMessage(), "bad request"));
      } catch (UsageException | IllegalArgumentException e) {
        return error(400, Objects.requireNonNullElse(e.getMessage(), "bad request"));
      } catch (DuplicateEntryException e) {
        return error(409, Objects.requireNonNullElse(e.getMessage(), "already exists"));
      }
    };
  }

  private static Map<String, String> query(@Nullable String raw) {
    Map<String, String> m = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return m;
    }
    for (String pair : raw.split("&", -1)) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      m.put(k, v);
    }
    return m;
  }

  private static HttpEndpoints.AdminResponse ok(Object json) {
    return new HttpEndpoints.AdminResponse(200, json);
  }

  private static HttpEndpoints.AdminResponse created(Object json) {
    return new HttpEndpoints.AdminResponse(201, json);
  }

  private static HttpEndpoints.AdminResponse error(int status, String message) {
    return new HttpEndpoints.AdminResponse(status, Map.of("error", message));
  }

  private static ApiException notAllowed(Request r) {
    return new ApiException(405, "method " + r.method() + " not allowed here");
  }

  private static ApiException notFound(String what) {
    return new ApiException(404, what);
  }

  // --- info ---

  private HttpEndpoints.AdminResponse info(Request r) {
    if (!r.method().equals("GET") || !r.rest().isEmpty()) {
      throw notAllowed(r);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("api", "v1");
    m.put("public_url", publicUrl);
    m.put("relays", relays.get());
    m.put(
        "resources",
        List.of("info", "keys", "authorizations", "clients", "policies", "audit", "tasks"));
    return ok(m);
  }

  // --- keys ---

  private HttpEndpoints.AdminResponse keys(Request r) {
    if (r.method().equals("GET") && r.rest().isEmpty()) {
      return ok(db.keys().list().stream().map(KeysCommand::describe).toList());
    }
    if (r.method().equals("POST") && r.rest().isEmpty()) {
      JsonNode body = r.json();
      String name = KeysCommand.checkName(requiredText(body, "name"));
      StoredKey k = db.keys().generate(name);
      auditAdmin("admin.keys.generate", null, "key " + name);
      return created(KeysCommand.describe(k));
    }
    if (r.method().equals("POST") && r.rest().equals(List.of("import"))) {
      JsonNode body = r.json();
      String name = KeysCommand.checkName(requiredText(body, "name"));
      String secret = requiredText(body, "secret");
      @Nullable String password = optionalText(body, "password");
      StoredKey k =
          db.keys()
              .importKey(
                  name,
                  SecretKeyText.parse(
                      secret,
                      () -> {
                        if (password == null) {
                          throw new ApiException(400, "an ncryptsec needs \"password\"");
                        }
                        return password.toCharArray();
                      }));
      auditAdmin("admin.keys.import", null, "key " + name);
      return created(KeysCommand.describe(k));
    }
    throw notAllowed(r);
  }

  // --- authorizations ---

  private HttpEndpoints.AdminResponse authorizations(Request r) {
    if (r.method().equals("GET") && r.rest().isEmpty()) {
      return ok(db.authorizations().list().stream().map(this::describe).toList());
    }
    if (r.method().equals("GET") && r.rest().size() == 1) {
      return ok(describe(authorization(r.rest().get(0))));
    }
    if (r.method().equals("POST") && r.rest().isEmpty()) {
      return created(createAuthorization(r.json()));
    }
    if (r.method().equals("DELETE") && r.rest().size() == 1) {
      Authorization a = authorization(r.rest().get(0));
      boolean revoked = db.authorizations().revoke(a.id(), clock.instant());
      if (revoked) {
        auditAdmin("admin.authorizations.revoke", a.id(), "key " + a.keyName());
      }
      return ok(Map.of("id", a.id(), "revoked", true));
    }
    throw notAllowed(r);
  }

  private Map<String, Object> createAuthorization(JsonNode body) {
    String key = requiredText(body, "key");
    if (db.keys().find(key).isEmpty()) {
      throw new ApiException(400, "unknown key '" + key + "'");
    }
    List<String> relayList =
        body.has("relays") ? Relays.normalize(stringList(body, "relays")) : relays.get();
    if (relayList.isEmpty()) {
      throw new ApiException(400, "give at least one relay in \"relays\"");
    }
    String policy = Objects.requireNonNullElse(optionalText(body, "policy"), "social");
    @Nullable List<Integer> kinds = body.has("kinds") ? intList(body, "kinds") : null;
    String policyName = CliPolicies.forAuthorization(db.policies(), policy, kinds);
    @Nullable Integer maxUses = null;
    if (body.hasNonNull("max_uses")) {
      if (!body.get("max_uses").canConvertToInt() || body.get("max_uses").intValue() < 0) {
        throw new ApiException(400, "\"max_uses\" must be 0 (unlimited) or more");
      }
      int n = body.get("max_uses").intValue();
      maxUses = n == 0 ? null : n;
    } else if (!body.has("max_uses")) {
      maxUses = 1;
    }
    @Nullable String expiresIn = optionalText(body, "expires_in");
    @Nullable Instant expiresAt = null;
    if (expiresIn != null) {
      try {
        expiresAt = clock.instant().plus(Durations.parse(expiresIn));
      } catch (IllegalArgumentException e) {
        throw new ApiException(400, "\"expires_in\": " + e.getMessage());
      }
    }
    Authorization a =
        db.authorizations()
            .create(
                NewAuthorization.builder(key)
                    .relays(relayList)
                    .policyName(policyName)
                    .maxUses(maxUses)
                    .expiresAt(expiresAt)
                    .label(optionalText(body, "label"))
                    .build());
    auditAdmin("admin.authorizations.create", a.id(), "key " + key + ", policy " + policyName);
    String uri = BunkerUris.of(a);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", a.id());
    m.put("bunker_uri", uri);
    m.put("bunker_pubkey", a.bunkerPublicKey().toHex());
    m.put("user_pubkey", a.userPublicKey().toHex());
    m.put("qr_svg", SvgQr.render(uri));
    m.put("authorization", describe(a));
    return m;
  }

  private Authorization authorization(String idText) {
    long id;
    try {
      id = Long.parseLong(idText);
    } catch (NumberFormatException e) {
      throw new ApiException(400, "an authorization id is a number");
    }
    return db.authorizations().find(id).orElseThrow(() -> notFound("no authorization " + id));
  }

  private Map<String, Object> describe(Authorization a) {
    Instant now = clock.instant();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", a.id());
    m.put("key", a.keyName());
    m.put("user_pubkey", a.userPublicKey().toHex());
    m.put("bunker_pubkey", a.bunkerPublicKey().toHex());
    m.put("relays", a.relays());
    m.put("policy", a.policyName());
    m.put("max_uses", a.maxUses());
    m.put("uses", a.uses());
    m.put("label", a.label());
    m.put("created_at", a.createdAt().toString());
    m.put("expires_at", a.expiresAt() == null ? null : String.valueOf(a.expiresAt()));
    m.put("revoked_at", a.revokedAt() == null ? null : String.valueOf(a.revokedAt()));
    m.put("status", a.isRevoked() ? "revoked" : a.isExpiredAt(now) ? "expired" : "active");
    return m;
  }

  // --- connected clients ---

  private HttpEndpoints.AdminResponse clients(Request r) {
    if (!r.method().equals("GET") || !r.rest().isEmpty()) {
      throw notAllowed(r);
    }
    @Nullable String only = r.query().get("authorization");
    List<Authorization> auths =
        only == null ? db.authorizations().list() : List.of(authorization(only));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Authorization a : auths) {
      for (ConnectedClient c : db.authorizations().listClients(a.id())) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("authorization_id", a.id());
        m.put("key", a.keyName());
        m.put("client_pubkey", c.clientPublicKey().toHex());
        m.put(
            "granted_perms",
            c.grantedPerms().permissions().stream().map(Object::toString).toList());
        m.put("connected_at", c.connectedAt().toString());
        // What the client said about itself: cleaned and bounded (ClientMetadata), never trusted.
        m.put("name", c.metadata().name());
        m.put("url", c.metadata().url());
        m.put("image", c.metadata().image());
        rows.add(m);
      }
    }
    return ok(rows);
  }

  // --- policies ---

  private HttpEndpoints.AdminResponse policies(Request r) {
    if (r.method().equals("GET") && r.rest().isEmpty()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      Policies.builtIns().values().stream()
          .sorted(Comparator.comparing(Policy::name))
          .forEach(p -> rows.add(PolicyText.toJson(p, true)));
      db.policies().list().forEach(p -> rows.add(PolicyText.toJson(p, false)));
      return ok(rows);
    }
    if (r.method().equals("GET") && r.rest().size() == 1) {
      String name = r.rest().get(0);
      Policy p =
          db.policies().resolve(name).orElseThrow(() -> notFound("unknown policy '" + name + "'"));
      return ok(PolicyText.toJson(p, Policies.builtIn(name).isPresent()));
    }
    if (r.method().equals("POST") && r.rest().isEmpty()) {
      JsonNode body = r.json();
      String name = requiredText(body, "name");
      Policy p =
          PolicyText.build(
              name,
              String.join(",", body.has("allow") ? stringList(body, "allow") : List.of()),
              String.join(",", body.has("ask") ? stringList(body, "ask") : List.of()),
              Objects.requireNonNullElse(optionalText(body, "rate_limit"), "120/min"),
              Objects.requireNonNullElse(optionalText(body, "max_future"), "10m"),
              optionalText(body, "max_past"),
              body.has("blocked_words") ? stringList(body, "blocked_words") : List.of(),
              body.path("self_encryption_only").asBoolean(false));
      if (Policies.builtIn(name).isPresent()) {
        throw new ApiException(409, "'" + name + "' is a built-in policy; choose another name");
      }
      boolean replace = body.path("replace").asBoolean(false);
      if (!replace && db.policies().find(name).isPresent()) {
        throw new ApiException(
            409, "policy '" + name + "' already exists; send \"replace\": true to replace it");
      }
      db.policies().save(p);
      auditAdmin("admin.policies.save", null, "policy " + name);
      return created(PolicyText.toJson(p, false));
    }
    if (r.method().equals("DELETE") && r.rest().size() == 1) {
      String name = r.rest().get(0);
      if (Policies.builtIn(name).isPresent()) {
        throw new ApiException(409, "'" + name + "' is a built-in policy and cannot be deleted");
      }
      boolean deleted;
      try {
        deleted = db.policies().delete(name);
      } catch (DuplicateEntryException e) {
        throw e;
      } catch (StoreException e) {
        throw new ApiException(
            409,
            Objects.requireNonNullElse(e.getMessage(), "cannot delete") + "; revoke them first");
      }
      if (!deleted) {
        throw notFound("unknown policy '" + name + "'");
      }
      auditAdmin("admin.policies.delete", null, "policy " + name);
      return ok(Map.of("deleted", name));
    }
    throw notAllowed(r);
  }

  // --- audit log ---

  private HttpEndpoints.AdminResponse audit(Request r) {
    if (!r.method().equals("GET") || !r.rest().isEmpty()) {
      throw notAllowed(r);
    }
    Map<String, String> q = r.query();
    int limit = 100;
    if (q.containsKey("limit")) {
      try {
        limit = Integer.parseInt(q.get("limit"));
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_AUDIT_LIMIT) {
        throw new ApiException(400, "limit must be 1 to " + MAX_AUDIT_LIMIT);
      }
    }
    Instant now = clock.instant();
    @Nullable Instant since = q.containsKey("since") ? instant("since", q.get("since"), now) : null;
    @Nullable Instant before =
        q.containsKey("before") ? instant("before", q.get("before"), now) : null;
    List<AuditEntry> entries;
    @Nullable String key = q.get("key");
    @Nullable String auth = q.get("authorization");
    if (key == null && auth == null) {
      entries = db.audit().recent(AUDIT_WINDOW);
    } else {
      List<Long> ids = new ArrayList<>();
      if (key != null) {
        if (db.keys().find(key).isEmpty()) {
          throw notFound("unknown key '" + key + "'");
        }
        db.authorizations().listForKey(key).forEach(a -> ids.add(a.id()));
      }
      if (auth != null) {
        long id = authorization(auth).id();
        if (key != null) {
          ids.retainAll(List.of(id));
        } else {
          ids.add(id);
        }
      }
      entries = new ArrayList<>();
      for (long id : ids) {
        entries.addAll(db.audit().forAuthorization(id, AUDIT_WINDOW));
      }
      entries.sort(Comparator.comparing(AuditEntry::at).reversed());
    }
    List<Map<String, Object>> page = new ArrayList<>();
    @Nullable String nextBefore = null;
    for (AuditEntry e : entries) {
      if ((before != null && !e.at().isBefore(before))
          || (since != null && e.at().isBefore(since))) {
        continue;
      }
      if (page.size() == limit) {
        nextBefore = page.isEmpty() ? null : String.valueOf(page.get(page.size() - 1).get("at"));
        break;
      }
      page.add(describe(e));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("entries", page);
    m.put("next_before", nextBefore);
    return ok(m);
  }

  private static Instant instant(String name, String text, Instant now) {
    try {
      return PastInstants.parse(text, now);
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      throw new ApiException(
          400, name + ": expected an ISO date/time or a duration back from now (e.g. 1h)");
    }
  }

  private static Map<String, Object> describe(AuditEntry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", e.at().toString());
    m.put("authorization_id", e.authorizationId());
    PublicKey client = e.clientPublicKey();
    m.put("client_pubkey", client == null ? null : client.toHex());
    m.put("method", e.method());
    m.put("kind", e.eventKind());
    m.put("outcome", e.outcome().name().toLowerCase(java.util.Locale.ROOT));
    m.put("reason", e.reason());
    return m;
  }

  // --- tasks ---

  private HttpEndpoints.AdminResponse tasks(Request r) {
    if (!r.method().equals("GET") || !r.rest().isEmpty()) {
      throw notAllowed(r);
    }
    Bunker b = bunker.get();
    if (b == null) {
      throw new ApiException(503, "the daemon is starting");
    }
    return ok(tasksJson(b.tasks()));
  }

  /**
   * The JSON of {@code GET /api/v1/tasks}.
   *
   * @param s a snapshot
   * @return queue, workers, cpu_pool, tasks (oldest first) and stuck
   */
  public static Map<String, Object> tasksJson(TaskSnapshot s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", s.at().toString());
    Map<String, Object> queue = new LinkedHashMap<>();
    queue.put("depth", s.queue().depth());
    queue.put("capacity", s.queue().capacity());
    queue.put("pending_approval", s.queue().pendingApproval());
    queue.put(
        "fill",
        s.queue().capacity() == 0 ? 0.0 : (double) s.queue().depth() / s.queue().capacity());
    m.put("queue", queue);
    m.put("workers", pool(s.workers()));
    m.put("cpu_pool", pool(s.cpuPool()));
    List<Map<String, Object>> tasks = new ArrayList<>();
    for (TaskSnapshot.Task t : s.tasks()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", t.id());
      row.put("request_id", t.requestId());
      row.put("method", t.method());
      row.put("client", t.client());
      row.put("stage", t.stage().wireName());
      row.put("age_ms", Duration.ofNanos(t.ageNanos()).toMillis());
      row.put("cpu_ms", t.cpuNanos() / 1e6);
      row.put("thread", t.thread());
      tasks.add(row);
    }
    m.put("tasks", tasks);
    List<Map<String, Object>> stuck = new ArrayList<>();
    for (StuckTask t : s.stuck()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("task", t.taskName());
      row.put("pool", t.poolName());
      row.put("thread", t.threadName());
      row.put("running_ms", t.runningFor().toMillis());
      row.put("stack", t.stackTrace().stream().map(StackTraceElement::toString).toList());
      stuck.add(row);
    }
    m.put("stuck", stuck);
    return m;
  }

  private static Map<String, Object> pool(TaskSnapshot.Pool p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("busy", p.busy());
    m.put("total", p.total());
    m.put("busy_ms", p.busyNanos() / 1_000_000);
    m.put("uptime_ms", p.uptimeNanos() / 1_000_000);
    m.put("utilization", p.utilization());
    return m;
  }

  // --- helpers ---

  private void auditAdmin(String action, @Nullable Long authorizationId, String detail) {
    db.audit()
        .record(
            new AuditEntry(
                clock.instant(),
                authorizationId,
                null,
                action,
                null,
                AuditOutcome.ALLOWED,
                detail.length() > 256 ? detail.substring(0, 256) : detail));
  }

  private static String requiredText(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || !n.isTextual() || n.asText().isBlank()) {
      throw new ApiException(400, "\"" + field + "\" (a non-empty string) is required");
    }
    return n.asText();
  }

  private static @Nullable String optionalText(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw new ApiException(400, "\"" + field + "\" must be a string");
    }
    return n.asText();
  }

  private static List<String> stringList(JsonNode body, String field) {
    JsonNode n = body.get(field);
    List<String> out = new ArrayList<>();
    if (n == null || !n.isArray()) {
      throw new ApiException(400, "\"" + field + "\" must be an array of strings");
    }
    for (JsonNode e : n) {
      if (!e.isTextual()) {
        throw new ApiException(400, "\"" + field + "\" must be an array of strings");
      }
      out.add(e.asText());
    }
    return out;
  }

  private static List<Integer> intList(JsonNode body, String field) {
    JsonNode n = body.get(field);
    List<Integer> out = new ArrayList<>();
    if (n == null || !n.isArray()) {
      throw new ApiException(400, "\"" + field + "\" must be an array of integers");
    }
    for (JsonNode e : n) {
      if (!e.canConvertToInt() || !e.isIntegralNumber()) {
        throw new ApiException(400, "\"" + field + "\" must be an array of integers");
      }
      out.add(e.intValue());
    }
    return out;
  }
}
