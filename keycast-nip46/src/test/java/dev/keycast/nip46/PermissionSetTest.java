package dev.keycast.nip46;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PermissionSetTest {

  @Test
  void parse_listWithKinds_normalisesAndFormats() {
    PermissionSet s =
        PermissionSet.parse(" sign_event:4 , nip44_encrypt,sign_event:1,,unknown_thing,ping");
    assertThat(s.toString()).isEqualTo("ping,nip44_encrypt,sign_event:1,sign_event:4");
    assertThat(PermissionSet.parse(s.toString())).isEqualTo(s);
    assertThat(s.allowsSignEvent(4)).isTrue();
    assertThat(s.allowsSignEvent(7)).isFalse();
    assertThat(s.allows(Nip46Method.SIGN_EVENT)).isFalse();
    assertThat(s.allowsAny(Nip46Method.SIGN_EVENT)).isTrue();
    assertThat(s.allows(Nip46Method.NIP44_ENCRYPT)).isTrue();
    assertThat(s.allows(Nip46Method.NIP44_DECRYPT)).isFalse();
  }

  @Test
  void parse_signEventWithoutKind_absorbsKinds() {
    PermissionSet s = PermissionSet.parse("sign_event:4,sign_event");
    assertThat(s.toString()).isEqualTo("sign_event");
    assertThat(s.allowsSignEvent(12345)).isTrue();
  }

  @Test
  void parse_empty_isEmpty() {
    assertThat(PermissionSet.parse("").isEmpty()).isTrue();
    assertThat(PermissionSet.parse(" , ")).isEqualTo(PermissionSet.empty());
  }

  @Test
  void parse_badParams_throw() {
    assertThatThrownBy(() -> PermissionSet.parse("sign_event:"))
        .isInstanceOf(NostrFormatException.class);
    assertThatThrownBy(() -> PermissionSet.parse("sign_event:-1"))
        .isInstanceOf(NostrFormatException.class);
    assertThatThrownBy(() -> PermissionSet.parse("sign_event:65536"))
        .isInstanceOf(NostrFormatException.class);
    assertThatThrownBy(() -> PermissionSet.parse("sign_event:1x"))
        .isInstanceOf(NostrFormatException.class);
    assertThatThrownBy(() -> PermissionSet.parse("nip44_encrypt:1"))
        .isInstanceOf(NostrFormatException.class);
  }

  @Test
  void intersect_limitsToBoth() {
    PermissionSet asked = PermissionSet.parse("sign_event,nip44_encrypt,nip04_decrypt");
    PermissionSet policy = PermissionSet.parse("sign_event:1,sign_event:7,nip44_encrypt,ping");
    assertThat(asked.intersect(policy).toString())
        .isEqualTo("nip44_encrypt,sign_event:1,sign_event:7");
    assertThat(policy.intersect(asked)).isEqualTo(asked.intersect(policy));
    assertThat(
            PermissionSet.parse("sign_event:1")
                .intersect(PermissionSet.parse("sign_event:4"))
                .isEmpty())
        .isTrue();
    assertThat(PermissionSet.all().intersect(asked)).isEqualTo(asked);
    assertThat(PermissionSet.empty().intersect(asked)).isEqualTo(PermissionSet.empty());
  }

  @Test
  void permission_invalid_throws() {
    assertThatThrownBy(() -> new Permission(Nip46Method.PING, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Permission.signEvent(70000))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
