package dev.keycast.cli.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.keycast.crypto.PublicKey;
import dev.keycast.nip46.server.Approvals;
import dev.keycast.nip46.server.PendingApproval;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The approval page at a request's {@code auth_url} ({@code /approve/{id}}), server-rendered HTML
 * with nothing loaded from elsewhere: sign-in with the admin token or the admin password
 * (rate-limited by {@link SignInLimiter}), a session cookie ({@code HttpOnly; SameSite=Strict},
 * {@code Secure} behind https), then who asks (client name and key, authorization and user key,
 * method; for {@code sign_event} the kind and content; for encryption the peer) and a form to allow
 * or deny, optionally remembering the answer for 10 minutes, 1 hour or 1 day. Every form carries
 * the session's CSRF token. {@code /approve/} lists the waiting requests.
 *
 * <p>Everything a client sent is HTML-escaped; a strict {@code Content-Security-Policy} forbids
 * scripts, frames and foreign form targets. Stable element ids for tests and browsers: sign-in
 * {@code #sign-in-form}, {@code #secret}, {@code #sign-in}; approval {@code #approval-form}, {@code
 * #remember}, {@code #allow}, {@code #deny}, hidden {@code csrf}; the list {@code #approvals} with
 * one {@code a.approval-link} per request; the outcome {@code #result}. Links and form targets are
 * relative, and the cookie's path follows the public URL, so the page also works behind a reverse
 * proxy that serves it under a path prefix.
 *
 * <p>Thread-safe: runs on the HTTP server's virtual threads; state is in {@link WebSessions} and
 * the limiter. Checking a password blocks for the hash's work (a few hundred milliseconds).
 */
final class ApprovalPage implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ApprovalPage.class);

  /** The page's path. */
  static final String PATH = "/approve";

  private static final int MAX_FORM_BYTES = 16 * 1024;
  private static final List<String> REMEMBER_CHOICES = List.of("10m", "1h", "1d");
  private static final String CSP =
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none';"
          + " base-uri 'none'";

  private final Approvals approvals;
  private final Supplier<AdminToken> token;
  private final Supplier<Optional<AdminPassword>> password;
  private final boolean secureCookies;
  private final String cookiePath;
  private final WebSessions sessions = new WebSessions(Clock.systemUTC());
  private final SignInLimiter limiter = new SignInLimiter(System::nanoTime);

  ApprovalPage(
      Approvals approvals,
      Supplier<AdminToken> token,
      Supplier<Optional<AdminPassword>> password,
      boolean secureCookies,
      String cookiePath) {
    this.approvals = approvals;
    this.token = token;
    this.password = password;
    this.secureCookies = secureCookies;
    this.cookiePath = cookiePath;
  }

  private record Page(int status, String title, String body) {}

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try (ex) {
      Page page;
      Map<String, String> extraHeaders = new HashMap<>();
      try {
        page = route(ex, extraHeaders);
      } catch (RuntimeException e) {
        LOG.warn("approval page failed: {}", e.toString());
        page = new Page(500, "Error", "<p>Internal error.</p>");
      }
      send(ex, page, extraHeaders);
    }
  }

  private Page route(HttpExchange ex, Map<String, String> headers) throws IOException {
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getPath();
    if (path.equals(PATH)) {
      headers.put("Location", "approve/"); // the page's links are relative to /approve/
      return new Page(303, "Waiting requests", "<p><a href=\"approve/\">Continue</a></p>");
    }
    String rest = path.length() > PATH.length() ? path.substring(PATH.length()) : "";
    if (rest.startsWith("/")) {
      rest = rest.substring(1);
    }
    if (!rest.isEmpty()
        && !rest.equals("sign-in")
        && !rest.equals("sign-out")
        && !ApprovalRoutes.ID.matcher(rest).matches()) {
      return new Page(404, "Not found", "<p>No such page.</p>");
    }
    Optional<WebSessions.Session> session =
        sessions.find(ex.getRequestHeaders().getFirst("Cookie"));
    if (method.equals("POST")) {
      Map<String, String> form = readForm(ex);
      if (rest.equals("sign-in")) {
        return signIn(ex, form, headers);
      }
      if (session.isEmpty()) {
        return signInPage(401, ApprovalRoutes.ID.matcher(rest).matches() ? rest : "", null);
      }
      if (!session.get().csrfMatches(form.get("csrf"))) {
        return new Page(403, "Forbidden", "<p>The form has expired. Reload the page.</p>");
      }
      if (rest.equals("sign-out")) {
        sessions.close(session.get());
        headers.put("Set-Cookie", cookie("", 0));
        return signInPage(200, "", "Signed out.");
      }
      if (rest.isEmpty()) {
        return new Page(405, "Method not allowed", "<p>Method not allowed.</p>");
      }
      return decide(rest, form, session.get());
    }
    if (!method.equals("GET") && !method.equals("HEAD")) {
      headers.put("Allow", "GET, POST");
      return new Page(405, "Method not allowed", "<p>Method not allowed.</p>");
    }
    if (session.isEmpty() || rest.equals("sign-in") || rest.equals("sign-out")) {
      return signInPage(200, ApprovalRoutes.ID.matcher(rest).matches() ? rest : "", null);
    }
    if (rest.isEmpty()) {
      return list(session.get());
    }
    return approvals
        .find(rest)
        .map(p -> detail(p, session.get()))
        .orElseGet(
            () ->
                new Page(
                    404,
                    "Nothing to approve",
                    "<p id=\"result\" data-outcome=\"unknown\">No request waits for approval under"
                        + " this link: it was decided, it timed out, or the daemon restarted.</p>"
                        + "<p><a href=\"./\">Waiting requests</a></p>"));
  }

  private Page signIn(HttpExchange ex, Map<String, String> form, Map<String, String> headers) {
    String next = form.getOrDefault("next", "");
    if (!next.isEmpty() && !ApprovalRoutes.ID.matcher(next).matches()) {
      next = "";
    }
    String address = ex.getRemoteAddress().getAddress().getHostAddress();
    if (!limiter.tryAcquire(address)) {
      headers.put("Retry-After", "60");
      LOG.warn("sign-in refused: too many attempts from {}", address);
      return signInPage(429, next, "Too many attempts. Wait a minute and try again.");
    }
    String secret = form.getOrDefault("secret", "");
    String who = null;
    if (!secret.isEmpty() && token.get().matches(secret)) {
      who = "admin token";
    } else if (!secret.isEmpty()) {
      Optional<AdminPassword> pw = password.get();
      char[] chars = secret.toCharArray();
      try {
        if (pw.isPresent() && pw.get().matches(chars)) {
          who = "password";
        }
      } finally {
        Arrays.fill(chars, '\0');
      }
    }
    if (who == null) {
      LOG.info("sign-in to the approval page failed from {}", address);
      return signInPage(401, next, "Wrong token or password.");
    }
    Optional<WebSessions.Session> s = sessions.open(who);
    if (s.isEmpty()) {
      return signInPage(503, next, "Too many sessions. Try again later.");
    }
    LOG.info("signed in to the approval page with the {} from {}", who, address);
    headers.put("Set-Cookie", cookie(s.get().id(), WebSessions.LIFETIME.toSeconds()));
    String target = next.isEmpty() ? "./" : next; // relative: works behind a path prefix
    headers.put("Location", target);
    return new Page(
        303, "Signed in", "<p>Signed in. <a href=\"" + esc(target) + "\">Continue</a></p>");
  }

  private Page decide(String id, Map<String, String> form, WebSessions.Session session) {
    String decision = form.getOrDefault("decision", "");
    Approvals.Verdict verdict =
        switch (decision) {
          case "allow" -> Approvals.Verdict.ALLOW;
          case "deny" -> Approvals.Verdict.DENY;
          default -> null;
        };
    if (verdict == null) {
      return new Page(400, "Bad request", "<p>Choose allow or deny.</p>");
    }
    String rememberText = form.getOrDefault("remember", "");
    Duration remember = null;
    if (!rememberText.isEmpty()) {
      if (!REMEMBER_CHOICES.contains(rememberText)) {
        return new Page(400, "Bad request", "<p>Remember for 10m, 1h or 1d, or not at all.</p>");
      }
      remember = ApprovalRoutes.rememberText(rememberText);
    }
    Approvals.Outcome outcome =
        approvals.decide(id, verdict, remember, "approval page (" + session.who() + ")");
    if (outcome == Approvals.Outcome.UNKNOWN) {
      return new Page(
          404,
          "Nothing to approve",
          "<p id=\"result\" data-outcome=\"unknown\">No request waits for approval under this"
              + " link any more: it was decided, or it timed out.</p>");
    }
    boolean allowed = verdict == Approvals.Verdict.ALLOW;
    return new Page(
        200,
        allowed ? "Allowed" : "Denied",
        "<p id=\"result\" data-outcome=\""
            + (allowed ? "allowed" : "denied")
            + "\">"
            + (allowed
                ? "Allowed. The request runs now (after a last check of the authorization)."
                : "Denied. The client gets an error.")
            + (remember == null ? "" : " This answer is remembered for " + esc(rememberText) + ".")
            + "</p><p><a href=\"./\">Waiting requests</a></p>");
  }

  private Page list(WebSessions.Session session) {
    List<PendingApproval> pending = approvals.pending();
    StringBuilder b = new StringBuilder();
    if (pending.isEmpty()) {
      b.append("<p id=\"approvals\" data-count=\"0\">No request waits for approval.</p>");
    } else {
      b.append("<table id=\"approvals\" data-count=\"").append(pending.size()).append("\">");
      b.append("<tr><th>Asked at</th><th>Client</th><th>Request</th><th></th></tr>");
      for (PendingApproval p : pending) {
        b.append("<tr id=\"approval-")
            .append(esc(p.id()))
            .append("\"><td>")
            .append(esc(p.createdAt().toString()))
            .append("</td><td>")
            .append(esc(clientLabel(p)))
            .append("</td><td>")
            .append(esc(p.permission()))
            .append("</td><td><a class=\"approval-link\" href=\"")
            .append(esc(p.id()))
            .append("\">Review</a></td></tr>");
      }
      b.append("</table>");
    }
    b.append(signOutForm(session));
    return new Page(200, "Waiting requests", b.toString());
  }

  private Page detail(PendingApproval p, WebSessions.Session session) {
    StringBuilder b = new StringBuilder();
    b.append("<dl id=\"request\">");
    row(b, "Client", p.clientName() == null ? "(no name given)" : p.clientName(), "client-name");
    row(b, "Client key", p.clientPublicKey().toHex(), "client-pubkey");
    row(
        b,
        "Authorization",
        "#" + p.authorizationId() + " (key " + p.keyName() + ")",
        "authorization");
    row(b, "Method", p.method(), "method");
    if (p.kind() != null) {
      row(b, "Event kind", String.valueOf(p.kind()), "kind");
    }
    PublicKey peer = p.peer();
    if (peer != null) {
      row(b, "Peer", peer.toHex(), "peer");
    }
    row(b, "Asked at", p.createdAt().toString(), "created-at");
    row(b, "Denied automatically at", p.expiresAt().toString(), "expires-at");
    b.append("</dl>");
    if (p.content() != null) {
      b.append("<h2>Content</h2><pre id=\"content\">").append(esc(p.content())).append("</pre>");
    }
    b.append("<form id=\"approval-form\" method=\"post\" action=\"")
        .append(esc(p.id()))
        .append("\">")
        .append("<input type=\"hidden\" name=\"csrf\" id=\"csrf\" value=\"")
        .append(esc(session.csrf()))
        .append("\">")
        .append("<label for=\"remember\">Remember this answer for this client and ")
        .append(esc(p.permission()))
        .append("</label> ")
        .append("<select name=\"remember\" id=\"remember\">")
        .append("<option value=\"\">no, ask every time</option>")
        .append("<option value=\"10m\">10 minutes</option>")
        .append("<option value=\"1h\">1 hour</option>")
        .append("<option value=\"1d\">1 day</option></select>")
        .append("<p><button type=\"submit\" name=\"decision\" value=\"allow\" id=\"allow\">Allow")
        .append("</button> <button type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\">")
        .append("Deny</button></p></form>");
    b.append(signOutForm(session));
    return new Page(200, "Approve " + p.method() + "?", b.toString());
  }

  private static void row(StringBuilder b, String label, String value, String id) {
    b.append("<dt>")
        .append(esc(label))
        .append("</dt><dd id=\"")
        .append(id)
        .append("\">")
        .append(esc(value))
        .append("</dd>");
  }

  private static String clientLabel(PendingApproval p) {
    String hex = p.clientPublicKey().toHex();
    String shortKey = hex.substring(0, 8) + "…" + hex.substring(56);
    return p.clientName() == null ? shortKey : p.clientName() + " (" + shortKey + ")";
  }

  private static String signOutForm(WebSessions.Session session) {
    return "<form id=\"sign-out-form\" method=\"post\" action=\"sign-out\">"
        + "<input type=\"hidden\" name=\"csrf\" value=\""
        + esc(session.csrf())
        + "\">"
        + "<button type=\"submit\" id=\"sign-out\">Sign out</button></form>";
  }

  private Page signInPage(int status, String next, @Nullable String message) {
    return new Page(
        status,
        "Sign in",
        (message == null ? "" : "<p id=\"message\">" + esc(message) + "</p>")
            + "<form id=\"sign-in-form\" method=\"post\" action=\"sign-in\">"
            + "<input type=\"hidden\" name=\"next\" value=\""
            + esc(next)
            + "\">"
            + "<label for=\"secret\">Admin token or password</label> "
            + "<input type=\"password\" name=\"secret\" id=\"secret\" autocomplete=\"current-password\""
            + " required> <button type=\"submit\" id=\"sign-in\">Sign in</button></form>"
            + "<p>The token is in KEYCAST_HOME/admin.token (<code>keycast admin-token show</code>);"
            + " a password is set with <code>keycast admin-password</code>.</p>");
  }

  private String cookie(String value, long maxAgeSeconds) {
    return WebSessions.COOKIE
        + "="
        + value
        + "; Path="
        + cookiePath
        + "; Max-Age="
        + maxAgeSeconds
        + "; HttpOnly; SameSite=Strict"
        + (secureCookies ? "; Secure" : "");
  }

  private static Map<String, String> readForm(HttpExchange ex) throws IOException {
    byte[] raw = ex.getRequestBody().readNBytes(MAX_FORM_BYTES + 1);
    Map<String, String> form = new HashMap<>();
    if (raw.length > MAX_FORM_BYTES) {
      return form;
    }
    String type = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"));
    if (!type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      return form;
    }
    for (String pair : new String(raw, StandardCharsets.UTF_8).split("&", -1)) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      try {
        form.putIfAbsent(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        // a malformed escape: the field is left out, and the form is refused further on
      }
    }
    return form;
  }

  private static void send(HttpExchange ex, Page page, Map<String, String> headers)
      throws IOException {
    String html =
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            + "<meta name=\"referrer\" content=\"no-referrer\">"
            + "<title>"
            + esc(page.title())
            + " · Keycast</title><style>"
            + "body{font-family:system-ui,sans-serif;max-width:42rem;margin:1rem auto;padding:0 1rem}"
            + "dt{font-weight:600;margin-top:.5rem}dd{margin:0;word-break:break-all}"
            + "pre{white-space:pre-wrap;word-break:break-word;background:#f4f4f4;padding:.5rem}"
            + "button{font-size:1rem;padding:.4rem 1rem;margin:.2rem}"
            + "td,th{padding:.2rem .5rem;text-align:left}</style></head><body><h1>"
            + esc(page.title())
            + "</h1>"
            + page.body()
            + "</body></html>";
    byte[] body = html.getBytes(StandardCharsets.UTF_8);
    var h = ex.getResponseHeaders();
    h.set("Content-Type", "text/html; charset=utf-8");
    h.set("Cache-Control", "no-store");
    h.set("X-Content-Type-Options", "nosniff");
    h.set("X-Frame-Options", "DENY");
    h.set("Referrer-Policy", "no-referrer");
    h.set("Content-Security-Policy", CSP);
    headers.forEach(h::set);
    boolean head = "HEAD".equals(ex.getRequestMethod());
    ex.sendResponseHeaders(page.status(), head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** Escapes text for HTML element content and double-quoted attributes. */
  static String esc(@Nullable String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> {
          if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
            b.append("&#xFFFD;");
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }
}
