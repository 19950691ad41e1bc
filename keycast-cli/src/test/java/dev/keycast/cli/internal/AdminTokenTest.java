package dev.keycast.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.cli.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminTokenTest {
  @TempDir Path home;

  @Test
  void createIfMissing_writes0600RandomToken_onlyOnce() throws Exception {
    assertThat(AdminToken.createIfMissing(home)).isTrue();
    Path file = AdminToken.file(home);
    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    String first = Files.readString(file).strip();
    assertThat(first).matches("[A-Za-z0-9_-]{43}");

    assertThat(AdminToken.createIfMissing(home)).isFalse();
    assertThat(Files.readString(file).strip()).isEqualTo(first);
    assertThat(AdminToken.load(home).value()).isEqualTo(first);
  }

  @Test
  void rotate_replacesToken_oldOneNoLongerMatches() throws Exception {
    AdminToken.createIfMissing(home);
    AdminToken old = AdminToken.load(home);
    AdminToken fresh = AdminToken.rotate(home);
    assertThat(fresh.value()).isNotEqualTo(old.value());
    AdminToken loaded = AdminToken.load(home);
    assertThat(loaded.matches(fresh.value())).isTrue();
    assertThat(loaded.matches(old.value())).isFalse();
    assertThat(Files.getPosixFilePermissions(AdminToken.file(home)))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.exists(home.resolve("admin.token.new"))).isFalse();
  }

  @Test
  void checkHeader_acceptsOnlyBearerWithTheToken() {
    AdminToken t = AdminToken.of("0123456789abcdef0123456789abcdef");
    assertThat(t.checkHeader("Bearer 0123456789abcdef0123456789abcdef")).isTrue();
    assertThat(t.checkHeader("bearer   0123456789abcdef0123456789abcdef ")).isTrue();
    assertThat(t.checkHeader(null)).isFalse();
    assertThat(t.checkHeader("")).isFalse();
    assertThat(t.checkHeader("Bearer ")).isFalse();
    assertThat(t.checkHeader("Basic 0123456789abcdef0123456789abcdef")).isFalse();
    assertThat(t.checkHeader("Bearer 0123456789abcdef0123456789abcdeX")).isFalse();
    assertThat(t.checkHeader("Bearer 0123456789abcdef0123456789abcdef0")).isFalse();
    assertThat(t.checkHeader("0123456789abcdef0123456789abcdef")).isFalse();
    assertThat(t.toString()).doesNotContain("0123456789abcdef");
  }

  @Test
  void load_missing_saysHowToCreate() {
    assertThatThrownBy(() -> AdminToken.load(home))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("keycast init");
  }
}
