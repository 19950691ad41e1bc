package dev.keycast.nip46.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyTest {
  @TempDir Path dir;

  @Test
  void generate_newFile_writesBase64WithMode0600AndReadsBack() throws Exception {
    Path file = dir.resolve("master.key");
    MasterKey key = MasterKey.generate(file);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    assertThat(Base64.getDecoder().decode(text.strip())).hasSize(32);
    assertThat(MasterKey.read(file)).isEqualTo(key);
  }

  @Test
  void generate_existingFile_throwsAndKeepsContent() throws Exception {
    Path file = dir.resolve("master.key");
    Files.writeString(file, "keep me");
    assertThatThrownBy(() -> MasterKey.generate(file))
        .isInstanceOf(MasterKeyException.class)
        .hasMessageContaining("already exists");
    assertThat(Files.readString(file)).isEqualTo("keep me");
  }

  @Test
  void read_missingFile_throwsNamingTheFile() {
    Path file = dir.resolve("absent.key");
    assertThatThrownBy(() -> MasterKey.read(file))
        .isInstanceOf(MasterKeyException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("does not exist");
  }

  @Test
  void read_raw32Bytes_accepted() throws Exception {
    byte[] raw = new byte[32];
    raw[0] = 7;
    Path file = dir.resolve("raw.key");
    Files.write(file, raw);
    assertThat(MasterKey.read(file)).isEqualTo(MasterKey.fromBytes(raw));
  }

  @Test
  void read_wrongLengthOrGarbage_throws() throws Exception {
    Path shortKey = dir.resolve("short.key");
    Files.writeString(shortKey, Base64.getEncoder().encodeToString(new byte[16]));
    assertThatThrownBy(() -> MasterKey.read(shortKey))
        .isInstanceOf(MasterKeyException.class)
        .hasMessageContaining("16 bytes");
    Path garbage = dir.resolve("garbage.key");
    Files.writeString(garbage, "not base64 at all!!");
    assertThatThrownBy(() -> MasterKey.read(garbage)).isInstanceOf(MasterKeyException.class);
  }

  @Test
  void readOrGenerate_generatesOnceThenReads() {
    Path file = dir.resolve("k.key");
    MasterKey first = MasterKey.readOrGenerate(file);
    assertThat(MasterKey.readOrGenerate(file)).isEqualTo(first);
  }

  @Test
  void toString_isRedacted() {
    byte[] raw = new byte[32];
    java.util.Arrays.fill(raw, (byte) 0xab);
    MasterKey key = MasterKey.fromBytes(raw);
    assertThat(key.toString()).doesNotContain("ab").doesNotContain("q6ur");
    assertThatThrownBy(() -> MasterKey.fromBytes(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
