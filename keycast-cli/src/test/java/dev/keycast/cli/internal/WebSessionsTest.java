package dev.keycast.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WebSessionsTest {
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-12-03T07:00:00Z"));
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now.get();
        }
      };
  private final WebSessions sessions = new WebSessions(clock);

  @Test
  void open_findByCookie_csrfChecked_expiresAfterLifetime_close() {
    WebSessions.Session s = sessions.open("admin token").orElseThrow();
    assertThat(s.id()).hasSizeGreaterThanOrEqualTo(43).isNotEqualTo(s.csrf());
    assertThat(sessions.find("other=1; " + WebSessions.COOKIE + "=" + s.id())).contains(s);
    assertThat(sessions.find(WebSessions.COOKIE + "=forged")).isEmpty();
    assertThat(sessions.find(null)).isEmpty();
    assertThat(s.csrfMatches(s.csrf())).isTrue();
    assertThat(s.csrfMatches(s.id())).isFalse();
    assertThat(s.csrfMatches(null)).isFalse();
    assertThat(s.toString()).doesNotContain(s.id()).doesNotContain(s.csrf());

    now.set(now.get().plus(WebSessions.LIFETIME));
    assertThat(sessions.find(WebSessions.COOKIE + "=" + s.id())).isEmpty();

    WebSessions.Session t = sessions.open("password").orElseThrow();
    sessions.close(t);
    assertThat(sessions.find(WebSessions.COOKIE + "=" + t.id())).isEmpty();
  }

  @Test
  void open_beyondTheCap_refusedUntilSomeExpire() {
    for (int i = 0; i < WebSessions.MAX_SESSIONS; i++) {
      assertThat(sessions.open("admin token")).isPresent();
    }
    assertThat(sessions.open("admin token")).isEmpty();
    now.set(now.get().plus(WebSessions.LIFETIME));
    assertThat(sessions.open("admin token")).isPresent();
  }
}
