package dev.keycast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keycast.cli.internal.AdminToken;
import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.EventJson;
import dev.keycast.nip46.EventTemplate;
import dev.keycast.nip46.Nip46Request;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.client.Nip46Client;
import dev.keycast.nip46.client.Nip46Result;
import dev.keycast.nip46.store.AesGcmKeyEncryption;
import dev.keycast.nip46.store.AuditEntry;
import dev.keycast.nip46.store.Authorization;
import dev.keycast.nip46.store.KeycastDatabase;
import dev.keycast.nip46.store.MasterKey;
import dev.keycast.nip46.store.NewAuthorization;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Human approval through the daemon: a policy created with {@code --ask}, a real NIP-46 client that
 * receives {@code auth_url} pointing at the daemon, and the decision taken through {@code
 * /api/v1/approvals} or the approval page (sign-in, session cookie, CSRF, escaping).
 */
class ApprovalsDaemonTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final int ASKED_KIND = 30023;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path home;
  final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  record Asker(DevDaemon daemon, Authorization auth, Nip46Client client, List<String> urls) {
    String base() {
      return "http://127.0.0.1:" + daemon.daemon.httpPort();
    }

    String approvalId() {
      String u = urls.get(0);
      return u.substring(u.lastIndexOf('/') + 1);
    }
  }

  /** A daemon, a policy asking for kind 30023 (made with the CLI) and a connected client. */
  Asker asker(java.util.function.Consumer<DaemonConfig.Builder> customize) throws Exception {
    DevDaemon d = new DevDaemon(home, customize);
    open.add(d);
    Cli cli = new Cli(home);
    Cli.Result created =
        cli.run(
            "policies", "create", "asking", "--allow", "sign_event:1", "--ask", "sign_event:30023");
    assertThat(created.exitCode()).as(created.toString()).isZero();
    assertThat(created.out()).contains("ask sign_event:30023");
    Authorization auth;
    try (KeycastDatabase db =
        KeycastDatabase.open(
            "jdbc:sqlite:" + home.resolve("keycast.db"),
            AesGcmKeyEncryption.create(MasterKey.read(home.resolve("master.key"))))) {
      auth =
          db.authorizations()
              .create(
                  NewAuthorization.builder(Daemon.DEMO_KEY)
                      .relays(d.relay())
                      .policyName("asking")
                      .build());
    }
    d.awaitSignerKey(auth.bunkerPublicKey().toHex());
    BunkerUri uri =
        BunkerUri.parse(
            "bunker://"
                + auth.bunkerPublicKey().toHex()
                + "?relay="
                + URLEncoder.encode(d.relay(), StandardCharsets.UTF_8)
                + "&secret="
                + URLEncoder.encode(auth.secret(), StandardCharsets.UTF_8));
    List<String> urls = new CopyOnWriteArrayList<>();
    Nip46Client c =
        Nip46Client.builder(uri, SecretKey.generate())
            .timeout(WAIT)
            .onAuthUrl((id, url) -> urls.add(url))
            .build();
    open.add(c);
    assertThat(c.awaitConnected(WAIT)).isTrue();
    // a name with markup: the page must show it escaped
    assertThat(
            c.send(
                    new Nip46Request.Connect(
                        c.nextId(),
                        null,
                        auth.secret(),
                        PermissionSet.empty(),
                        "{\"name\":\"<b>Evil</b> app\"}"))
                .get(WAIT.toSeconds(), TimeUnit.SECONDS))
        .isEqualTo(new Nip46Result.Success("ack"));
    return new Asker(d, auth, c, urls);
  }

  static EventTemplate note(int kind, String content) {
    return new EventTemplate(kind, content, List.of(), System.currentTimeMillis() / 1000);
  }

  static Nip46Result result(CompletableFuture<Nip46Result> f) throws Exception {
    return f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  String token() {
    return AdminToken.load(home).value();
  }

  HttpResponse<String> api(String method, String url, String body, boolean withToken)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
    if (withToken) {
      b.header("Authorization", "Bearer " + token());
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> page(String method, String url, String form, String cookie)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .method(method, HttpRequest.BodyPublishers.ofString(form))
            .header("Content-Type", "application/x-www-form-urlencoded");
    if (!cookie.isEmpty()) {
      b.header("Cookie", cookie);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void api_listsThePendingRequest_thenAllowRemembered_signedEventArrives() throws Exception {
    Asker a = asker(b -> {});
    CompletableFuture<Nip46Result> pending = a.client().signEvent(note(ASKED_KIND, "hello"));
    await().atMost(WAIT).until(() -> a.urls().size() == 1);
    assertThat(a.urls().get(0)).startsWith(a.base() + "/approve/");
    String list = a.base() + "/api/v1/approvals";

    assertThat(api("GET", list, "", false).statusCode()).isEqualTo(401);
    HttpResponse<String> got = api("GET", list, "", true);
    assertThat(got.statusCode()).isEqualTo(200);
    JsonNode first = JSON.readTree(got.body()).get(0);
    assertThat(first.get("id").asText()).isEqualTo(a.approvalId());
    assertThat(first.get("method").asText()).isEqualTo("sign_event");
    assertThat(first.get("kind").asInt()).isEqualTo(ASKED_KIND);
    assertThat(first.get("content").asText()).isEqualTo("hello");
    assertThat(first.get("client_pubkey").asText()).isEqualTo(a.client().clientPublicKey().toHex());
    assertThat(first.get("client_name").asText()).isEqualTo("<b>Evil</b> app");
    assertThat(first.get("authorization_id").asLong()).isEqualTo(a.auth().id());
    assertThat(first.get("created_at").asText()).isNotBlank();

    String one = list + "/" + a.approvalId();
    assertThat(api("POST", one, "not json", true).statusCode()).isEqualTo(400);
    assertThat(api("POST", one, "{\"decision\":\"maybe\"}", true).statusCode()).isEqualTo(400);
    assertThat(api("POST", one, "{\"decision\":\"allow\",\"remember\":\"2d\"}", true).statusCode())
        .isEqualTo(400);
    HttpResponse<String> unknown = api("POST", list + "/nope", "{\"decision\":\"allow\"}", true);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).get("error").asText()).isNotBlank();
    assertThat(pending).isNotDone();
    assertThat(api("GET", a.base() + "/metrics", "", false).body())
        .containsPattern("(?m)^keycast_approvals_pending 1(\\.0)?$");

    HttpResponse<String> allowed =
        api("POST", one, "{\"decision\":\"allow\",\"remember\":\"10m\"}", true);
    assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
    assertThat(JSON.readTree(allowed.body()).get("remember_s").asLong()).isEqualTo(600);
    var event = EventJson.parse(result(pending).orThrow());
    NostrEvents.verify(event);
    assertThat(event.kind()).isEqualTo(ASKED_KIND);
    // remembered for this client and kind: the next one is signed without asking
    assertThat(result(a.client().signEvent(note(ASKED_KIND, "again"))))
        .isInstanceOf(Nip46Result.Success.class);
    assertThat(a.urls()).hasSize(1);
    assertThat(api("POST", one, "{\"decision\":\"allow\"}", true).statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(api("GET", list, "", true).body())).isEmpty();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              try (KeycastDatabase db =
                  KeycastDatabase.open(
                      "jdbc:sqlite:" + home.resolve("keycast.db"),
                      AesGcmKeyEncryption.create(MasterKey.read(home.resolve("master.key"))))) {
                assertThat(db.audit().forAuthorization(a.auth().id(), 20))
                    .extracting(AuditEntry::reason)
                    .contains("approved by admin api (remembered for 600 s)");
              }
            });
  }

  @Test
  void page_signInWithToken_showsTheRequestEscaped_csrfChecked_denyGivesAnError() throws Exception {
    Asker a = asker(b -> {});
    CompletableFuture<Nip46Result> pending =
        a.client().signEvent(note(ASKED_KIND, "<script>alert(1)</script>"));
    await().atMost(WAIT).until(() -> a.urls().size() == 1);
    String url = a.urls().get(0);

    HttpResponse<String> anonymous = page("GET", url, "", "");
    assertThat(anonymous.statusCode()).isEqualTo(200);
    assertThat(anonymous.body()).contains("id=\"sign-in-form\"").doesNotContain("alert(1)");
    assertThat(anonymous.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("default-src 'none'");

    String signIn = a.base() + "/approve/sign-in";
    assertThat(page("POST", signIn, "secret=wrong&next=" + a.approvalId(), "").statusCode())
        .isEqualTo(401);
    HttpResponse<String> ok =
        page("POST", signIn, "secret=" + enc(token()) + "&next=" + a.approvalId(), "");
    assertThat(ok.statusCode()).isEqualTo(303);
    assertThat(ok.headers().firstValue("Location").orElseThrow())
        .isEqualTo(a.approvalId()); // relative to /approve/sign-in
    String setCookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie).contains("HttpOnly").contains("SameSite=Strict");
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));

    HttpResponse<String> detail = page("GET", url, "", cookie);
    assertThat(detail.statusCode()).isEqualTo(200);
    assertThat(detail.body())
        .contains("&lt;b&gt;Evil&lt;/b&gt; app")
        .doesNotContain("<b>Evil</b>")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        .doesNotContain("<script>")
        .contains(a.client().clientPublicKey().toHex())
        .contains("id=\"kind\">30023<")
        .contains("id=\"approval-form\"")
        .contains("id=\"remember\"");
    Matcher csrf =
        Pattern.compile("name=\"csrf\" id=\"csrf\" value=\"([^\"]+)\"").matcher(detail.body());
    assertThat(csrf.find()).isTrue();

    HttpResponse<String> list = page("GET", a.base() + "/approve/", "", cookie);
    assertThat(list.body()).contains("data-count=\"1\"").contains("class=\"approval-link\"");

    assertThat(page("POST", url, "decision=deny", cookie).statusCode()).isEqualTo(403);
    assertThat(page("POST", url, "csrf=forged&decision=deny", cookie).statusCode()).isEqualTo(403);
    assertThat(page("POST", url, "csrf=" + csrf.group(1) + "&decision=deny", "").statusCode())
        .isEqualTo(401);
    assertThat(pending).isNotDone();

    HttpResponse<String> denied =
        page("POST", url, "csrf=" + csrf.group(1) + "&decision=deny&remember=", cookie);
    assertThat(denied.statusCode()).isEqualTo(200);
    assertThat(denied.body()).contains("data-outcome=\"denied\"");
    assertThat(result(pending))
        .isEqualTo(new Nip46Result.Failure("permission denied: approval denied"));
    assertThat(page("GET", url, "", cookie).statusCode()).isEqualTo(404);
  }

  @Test
  void page_passwordSignIn_thenAllow_andSignInIsRateLimited() throws Exception {
    Asker a = asker(b -> {});
    Path pw = home.resolve("pw.txt");
    Files.writeString(pw, "correct horse battery\n");
    Cli.Result set = new Cli(home).run("admin-password", "--password-file", pw.toString());
    assertThat(set.exitCode()).as(set.toString()).isZero();
    assertThat(Files.readString(home.resolve("admin.password")))
        .startsWith("pbkdf2-sha256$")
        .doesNotContain("correct horse");

    CompletableFuture<Nip46Result> pending = a.client().signEvent(note(ASKED_KIND, "by password"));
    await().atMost(WAIT).until(() -> a.urls().size() == 1);
    String signIn = a.base() + "/approve/sign-in";
    HttpResponse<String> ok =
        page("POST", signIn, "secret=" + enc("correct horse battery") + "&next=", "");
    assertThat(ok.statusCode()).isEqualTo(303);
    String setCookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    HttpResponse<String> detail = page("GET", a.urls().get(0), "", cookie);
    Matcher csrf =
        Pattern.compile("name=\"csrf\" id=\"csrf\" value=\"([^\"]+)\"").matcher(detail.body());
    assertThat(csrf.find()).isTrue();
    HttpResponse<String> allowed =
        page(
            "POST",
            a.urls().get(0),
            "csrf=" + csrf.group(1) + "&decision=allow&remember=1h",
            cookie);
    assertThat(allowed.body()).contains("data-outcome=\"allowed\"");
    assertThat(result(pending)).isInstanceOf(Nip46Result.Success.class);

    // guessing: the address's budget (5 at once, one sign-in used above) runs out
    int status = 0;
    for (int i = 0; i < 6 && status != 429; i++) {
      status = page("POST", signIn, "secret=guess" + i, "").statusCode();
    }
    assertThat(status).isEqualTo(429);
  }

  @Test
  void noDecision_timesOut_errorReply_linksFollowThePublicUrl() throws Exception {
    Asker a =
        asker(
            b ->
                b.approvalTimeout(Duration.ofSeconds(1))
                    .publicUrl("https://signer.example/keycast/"));
    CompletableFuture<Nip46Result> pending = a.client().signEvent(note(ASKED_KIND, "nobody"));
    assertThat(result(pending))
        .isEqualTo(new Nip46Result.Failure("permission denied: approval timed out"));
    assertThat(a.urls()).hasSize(1);
    assertThat(a.urls().get(0)).startsWith("https://signer.example/keycast/approve/");
    // behind a TLS proxy that strips /keycast: the cookie is Secure and scoped to the public path
    HttpResponse<String> ok =
        page("POST", a.base() + "/approve/sign-in", "secret=" + enc(token()) + "&next=", "");
    assertThat(ok.statusCode()).isEqualTo(303);
    assertThat(ok.headers().firstValue("Location")).contains("./");
    assertThat(ok.headers().firstValue("Set-Cookie").orElseThrow())
        .contains("Path=/keycast/approve;")
        .contains("Secure");
    assertThat(page("GET", a.base() + "/approve", "", "").headers().firstValue("Location"))
        .contains("approve/");
  }
}
