package dev.keycast.nip46;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientMetadataTest {

  @Test
  void fromJson_nameUrlImage_kept() {
    assertThat(
            ClientMetadata.fromJson(
                "{\"name\":\" App \",\"url\":\"https://a.example\",\"image\":\"http://a.example/i.png\"}"))
        .isEqualTo(new ClientMetadata("App", "https://a.example", "http://a.example/i.png"));
  }

  @Test
  void fromJson_iconOrIcons_becomeImage() {
    assertThat(ClientMetadata.fromJson("{\"icon\":\"https://a.example/i\"}").image())
        .isEqualTo("https://a.example/i");
    assertThat(ClientMetadata.fromJson("{\"icons\":[\"https://a.example/j\"]}").image())
        .isEqualTo("https://a.example/j");
    assertThat(
            ClientMetadata.fromJson("{\"image\":\"https://a/x\",\"icon\":\"https://b/y\"}").image())
        .isEqualTo("https://a/x");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "   ", "not json", "[]", "\"name\"", "{\"name\":5}", "{\"icons\":[1]}", "{"})
  void fromJson_unusable_givesNone(String json) {
    assertThat(ClientMetadata.fromJson(json)).isEqualTo(ClientMetadata.NONE);
    assertThat(ClientMetadata.fromJson(json).isEmpty()).isTrue();
  }

  @Test
  void fromJson_null_givesNone() {
    assertThat(ClientMetadata.fromJson(null)).isSameAs(ClientMetadata.NONE);
  }

  @Test
  void name_controlBidiAndFormatCharacters_removed() {
    String hostile = "\u202e\u2066Evil\u2069\u200b\u200e App\u0000\n\t\u2028\ud800";
    assertThat(new ClientMetadata(hostile, null, null).name()).isEqualTo("Evil App");
  }

  @Test
  void name_tenKilobytes_cutTo100WithoutSplittingASurrogatePair() {
    assertThat(new ClientMetadata("x".repeat(10_240), null, null).name()).hasSize(100);
    String emoji = "a" + "\ud83d\ude00".repeat(60); // 1 + 120 chars
    String cut = new ClientMetadata(emoji, null, null).name();
    assertThat(cut).hasSize(99); // the pair at 99-100 would be split: dropped whole
    assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 1))).isFalse();
  }

  @Test
  void name_onlyInvisible_becomesNull() {
    assertThat(new ClientMetadata("\u202e \u200b ", null, null).name()).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "javascript:alert(1)",
        "JAVASCRIPT://x.example/%0aalert(1)",
        "data:image/png;base64,AAAA",
        "ftp://x.example/i.png",
        "//x.example/i.png",
        "/relative.png",
        "https://",
        "https://x.example/a b",
        "https://x.example/\u202e",
        "https://x.example/\nb",
        "mailto:a@b.example"
      })
  void url_notAnAbsoluteHttpUrl_dropped(String url) {
    ClientMetadata m = new ClientMetadata("n", url, url);
    assertThat(m.url()).isNull();
    assertThat(m.image()).isNull();
  }

  @Test
  void url_longerThan512_dropped() {
    String ok = "https://x.example/" + "a".repeat(512 - 18);
    assertThat(new ClientMetadata(null, ok, null).url()).isEqualTo(ok);
    assertThat(new ClientMetadata(null, ok + "a", null).url()).isNull();
  }

  @Test
  void url_upperCaseScheme_kept() {
    assertThat(new ClientMetadata(null, "HTTPS://X.example/", null).url())
        .isEqualTo("HTTPS://X.example/");
  }
}
