package dev.keycast.cli.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The web console's static files under {@code /console/}: HTML, CSS and JavaScript modules read
 * from the jar ({@code dev/keycast/cli/console/}), nothing from elsewhere. Each answer carries a
 * strict Content-Security-Policy (scripts, styles and fetches from this origin only, no inline
 * script, no framing), {@code X-Content-Type-Options: nosniff} and {@code Referrer-Policy:
 * no-referrer}. {@code /console} redirects to {@code /console/}; only names of the form {@code
 * name.ext} with a known extension are looked up, so no path can leave the folder.
 *
 * <p>The files hold no secret and need no sign-in: the pages ask for the admin token and send it as
 * a bearer token to {@code /api/v1/}. Thread-safe; reads the class path per request (a few small
 * files).
 */
public final class ConsolePage implements HttpHandler {
  /** The context path. */
  public static final String PATH = "/console";

  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  private static final String RESOURCES = "/dev/keycast/cli/console/";
  private static final Pattern NAME =
      Pattern.compile("[a-z0-9][a-z0-9-]{0,40}\\.(html|css|js|svg)");
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "svg", "image/svg+xml");

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      String path = ex.getRequestURI().getPath();
      ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
      ex.getResponseHeaders().set("Content-Security-Policy", CSP);
      ex.getResponseHeaders().set("X-Frame-Options", "DENY");
      if (!method.equals("GET") && !method.equals("HEAD")) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        send(
            ex,
            405,
            "text/plain; charset=utf-8",
            "method not allowed\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      if (path.equals(PATH)) {
        ex.getResponseHeaders().set("Location", "console/");
        send(ex, 308, null, new byte[0]);
        return;
      }
      String name = path.substring(PATH.length() + 1);
      if (name.isEmpty()) {
        name = "index.html";
      }
      byte[] body = NAME.matcher(name).matches() ? read(name) : null;
      if (body == null) {
        send(ex, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      String ext = name.substring(name.lastIndexOf('.') + 1);
      ex.getResponseHeaders().set("Cache-Control", "no-cache");
      send(ex, 200, TYPES.get(ext), body);
    }
  }

  private static byte @Nullable [] read(String name) throws IOException {
    try (InputStream in = ConsolePage.class.getResourceAsStream(RESOURCES + name)) {
      return in == null ? null : in.readAllBytes();
    }
  }

  private static void send(HttpExchange ex, int status, @Nullable String type, byte[] body)
      throws IOException {
    if (type != null) {
      ex.getResponseHeaders().set("Content-Type", type);
    }
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
