package dev.keycast.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.cli.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminPasswordTest {
  @TempDir Path home;

  @Test
  void set_storesAHashOnly_mode0600_matchesOnlyThePassword() throws Exception {
    assertThat(AdminPassword.load(home)).isEmpty();
    AdminPassword.set(home, "correct horse battery".toCharArray());
    String stored = Files.readString(AdminPassword.file(home));
    assertThat(stored).startsWith("pbkdf2-sha256$600000$").doesNotContain("horse");
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(AdminPassword.file(home))))
        .isEqualTo("rw-------");
    AdminPassword pw = AdminPassword.load(home).orElseThrow();
    assertThat(pw.matches("correct horse battery".toCharArray())).isTrue();
    assertThat(pw.matches("correct horse batterY".toCharArray())).isFalse();
    assertThat(pw.matches(new char[0])).isFalse();
    assertThat(pw.toString()).doesNotContain("pbkdf2");
  }

  @Test
  void set_twice_saltsDiffer_clearRemoves() throws Exception {
    AdminPassword.set(home, "0123456789".toCharArray());
    String first = Files.readString(AdminPassword.file(home));
    AdminPassword.set(home, "0123456789".toCharArray());
    assertThat(Files.readString(AdminPassword.file(home))).isNotEqualTo(first);
    assertThat(AdminPassword.clear(home)).isTrue();
    assertThat(AdminPassword.clear(home)).isFalse();
    assertThat(AdminPassword.load(home)).isEmpty();
  }

  @Test
  void tooShortOrMalformed_refused() throws Exception {
    assertThatThrownBy(() -> AdminPassword.set(home, "short".toCharArray()))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("at least 10");
    Files.writeString(AdminPassword.file(home), "plaintext-password\n");
    assertThatThrownBy(() -> AdminPassword.load(home)).isInstanceOf(UsageException.class);
    assertThat(AdminPassword.watching(home).get()).isEmpty();
  }
}
