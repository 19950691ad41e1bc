package dev.keycast.cli.internal;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Signed-in browser sessions of the daemon's pages: a random session id (the cookie, {@code
 * HttpOnly; SameSite=Strict}) and a random CSRF token per session that every form carries. In
 * memory: a restart signs everyone out. Sessions last {@link #LIFETIME}; at most {@value
 * #MAX_SESSIONS} live at once (expired ones are dropped first; beyond that a sign-in is refused).
 *
 * <p>Thread-safe; never blocks.
 */
public final class WebSessions {
  /** How long a session lasts after sign-in. */
  public static final Duration LIFETIME = Duration.ofHours(12);

  /** The cookie's name. */
  public static final String COOKIE = "keycast_session";

  static final int MAX_SESSIONS = 1000;
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * One session.
   *
   * @param id the cookie value
   * @param csrf the token every form of the session carries
   * @param who how the operator signed in ({@code admin token} or {@code password}), for the audit
   * @param expiresAt when it ends
   */
  public record Session(String id, String csrf, String who, Instant expiresAt) {
    /**
     * Checks a form's CSRF token in constant time.
     *
     * @param presented the token the form carried, or null
     * @return true if it is this session's
     */
    public boolean csrfMatches(@Nullable String presented) {
      return presented != null
          && MessageDigest.isEqual(
              csrf.getBytes(java.nio.charset.StandardCharsets.UTF_8),
              presented.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
      return "Session[" + who + ", until " + expiresAt + "]";
    }
  }

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Clock clock;

  /**
   * @param clock the wall clock
   */
  public WebSessions(Clock clock) {
    this.clock = clock;
  }

  /**
   * Opens a session.
   *
   * @param who how the operator signed in
   * @return the session, or empty when {@value #MAX_SESSIONS} live sessions exist
   */
  public Optional<Session> open(String who) {
    Instant now = clock.instant();
    if (sessions.size() >= MAX_SESSIONS) {
      sessions.values().removeIf(s -> !s.expiresAt().isAfter(now));
      if (sessions.size() >= MAX_SESSIONS) {
        return Optional.empty();
      }
    }
    Session s = new Session(random(), random(), who, now.plus(LIFETIME));
    sessions.put(s.id(), s);
    return Optional.of(s);
  }

  /**
   * Finds the session of a request's {@code Cookie} header.
   *
   * @param cookieHeader the header, or null
   * @return the live session, or empty
   */
  public Optional<Session> find(@Nullable String cookieHeader) {
    if (cookieHeader == null) {
      return Optional.empty();
    }
    for (String part : cookieHeader.split(";", -1)) {
      String p = part.strip();
      if (p.startsWith(COOKIE + "=")) {
        Session s = sessions.get(p.substring(COOKIE.length() + 1));
        if (s != null) {
          if (s.expiresAt().isAfter(clock.instant())) {
            return Optional.of(s);
          }
          sessions.remove(s.id(), s);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Ends a session.
   *
   * @param session the session
   */
  public void close(Session session) {
    sessions.remove(session.id(), session);
  }

  private static String random() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
