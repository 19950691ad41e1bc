package dev.keycast.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keycast.crypto.PublicKey;
import dev.keycast.nip46.server.Approvals;
import dev.keycast.nip46.server.PendingApproval;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The approvals of the admin API: {@code GET /api/v1/approvals} lists the requests waiting for a
 * human's decision, {@code GET /api/v1/approvals/{id}} shows one, {@code POST
 * /api/v1/approvals/{id}} with {@code {"decision": "allow"|"deny", "remember": "10m"}} decides one
 * ({@code remember} optional: a duration up to {@code 1d}). Answers {@code 200} with {@code {"id",
 * "decision", "remember_s"}}, {@code 400} for bad input, {@code 404} for an id under which nothing
 * waits (decided, timed out or unknown), {@code 405} for other methods. Behind the admin token
 * ({@link HttpEndpoints#addAdminRoute}); decisions are audited by the bunker as {@code approved by
 * admin api} / {@code denied by admin api}.
 *
 * <p>Thread-safe; never blocks (a decision's execution runs on the bunker's threads).
 */
public final class ApprovalRoutes implements HttpEndpoints.AdminRoute {
  /** The API path. */
  public static final String PATH = "/api/v1/approvals";

  static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final Approvals approvals;

  private ApprovalRoutes(Approvals approvals) {
    this.approvals = approvals;
  }

  /**
   * Serves the approvals API and the approval page ({@link ApprovalPage}, at {@code /approve/}).
   *
   * @param http the running endpoints
   * @param token the current admin token
   * @param password the current admin password, if one is set
   * @param approvals the bunker's approvals
   * @param publicUrl the daemon's public base URL, without a trailing slash: an https URL makes the
   *     page's cookie {@code Secure}, and its path prefixes the cookie's path
   */
  public static void register(
      HttpEndpoints http,
      Supplier<AdminToken> token,
      Supplier<Optional<AdminPassword>> password,
      Approvals approvals,
      String publicUrl) {
    java.net.URI uri = java.net.URI.create(publicUrl);
    String prefix = uri.getRawPath() == null ? "" : uri.getRawPath();
    http.addAdminRoute(PATH, token, new ApprovalRoutes(approvals));
    http.addPage(
        ApprovalPage.PATH,
        new ApprovalPage(
            approvals,
            token,
            password,
            "https".equals(uri.getScheme()),
            prefix + ApprovalPage.PATH));
  }

  /**
   * The {@code auth_url} of an approval.
   *
   * @param publicUrl the daemon's public base URL, without a trailing slash
   * @param id the approval's id
   * @return {@code publicUrl/approve/id}
   */
  public static String url(String publicUrl, String id) {
    return publicUrl + ApprovalPage.PATH + "/" + id;
  }

  @Override
  public HttpEndpoints.AdminResponse handle(
      String method, String path, @Nullable String query, byte[] body) throws IOException {
    String rest = path.length() > PATH.length() ? path.substring(PATH.length()) : "";
    if (rest.isEmpty() || rest.equals("/")) {
      if (!method.equals("GET") && !method.equals("HEAD")) {
        return error(405, "use GET " + PATH + " or POST " + PATH + "/{id}");
      }
      return new HttpEndpoints.AdminResponse(
          200, approvals.pending().stream().map(ApprovalRoutes::toJson).toList());
    }
    String id = rest.substring(1);
    if (!ID.matcher(id).matches()) {
      return error(404, "no request waits for approval under this id");
    }
    if (method.equals("GET") || method.equals("HEAD")) {
      return approvals
          .find(id)
          .map(p -> new HttpEndpoints.AdminResponse(200, toJson(p)))
          .orElseGet(() -> error(404, "no request waits for approval under this id"));
    }
    if (!method.equals("POST")) {
      return error(405, "use GET or POST " + PATH + "/{id}");
    }
    JsonNode json;
    try {
      json = Json.read(body);
    } catch (IOException e) {
      return error(400, "the body must be a JSON object");
    }
    if (json == null || !json.isObject()) {
      return error(400, "the body must be a JSON object");
    }
    Approvals.Verdict verdict = verdict(json.path("decision"));
    if (verdict == null) {
      return error(400, "decision must be \"allow\" or \"deny\"");
    }
    Duration remember;
    try {
      remember = remember(json.path("remember"));
    } catch (IllegalArgumentException e) {
      return error(400, "remember: " + e.getMessage());
    }
    if (approvals.decide(id, verdict, remember, "admin api") == Approvals.Outcome.UNKNOWN) {
      return error(404, "no request waits for approval under this id");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", id);
    out.put("decision", verdict.name().toLowerCase(Locale.ROOT));
    out.put("remember_s", remember == null ? null : remember.toSeconds());
    return new HttpEndpoints.AdminResponse(200, out);
  }

  /** Parses {@code "allow"} / {@code "deny"}; null for anything else. */
  static Approvals.@Nullable Verdict verdict(JsonNode node) {
    if (!node.isTextual()) {
      return null;
    }
    return switch (node.asText()) {
      case "allow" -> Approvals.Verdict.ALLOW;
      case "deny" -> Approvals.Verdict.DENY;
      default -> null;
    };
  }

  /**
   * Parses the optional remember duration: absent, null or empty for none, else a duration such as
   * {@code 10m}, {@code 1h}, {@code 1d} (at most {@link Approvals#MAX_REMEMBER}).
   *
   * @throws IllegalArgumentException if it is not one
   */
  static @Nullable Duration remember(JsonNode node) {
    if (node.isMissingNode() || node.isNull() || (node.isTextual() && node.asText().isBlank())) {
      return null;
    }
    if (!node.isTextual()) {
      throw new IllegalArgumentException("expected a duration such as \"10m\", \"1h\" or \"1d\"");
    }
    return rememberText(node.asText());
  }

  /** Parses a non-blank remember duration; see {@link #remember(JsonNode)}. */
  static Duration rememberText(String text) {
    Duration d = Durations.parse(text.strip());
    if (d.isZero() || d.isNegative() || d.compareTo(Approvals.MAX_REMEMBER) > 0) {
      throw new IllegalArgumentException("must be more than 0 and at most 1d");
    }
    return d;
  }

  /** The JSON shape of one waiting request. */
  static Map<String, Object> toJson(PendingApproval p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", p.id());
    m.put("request_id", p.requestId());
    m.put("method", p.method());
    m.put("permission", p.permission());
    m.put("kind", p.kind());
    m.put("content", p.content());
    PublicKey peer = p.peer();
    m.put("peer", peer == null ? null : peer.toHex());
    m.put("client_pubkey", p.clientPublicKey().toHex());
    m.put("client_name", p.clientName());
    m.put("authorization_id", p.authorizationId());
    m.put("key", p.keyName());
    m.put("created_at", p.createdAt().toString());
    m.put("expires_at", p.expiresAt().toString());
    m.put("url", p.url());
    return m;
  }

  private static HttpEndpoints.AdminResponse error(int status, String message) {
    return new HttpEndpoints.AdminResponse(status, Map.of("error", message));
  }
}
