package dev.keycast.nip46.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class AesGcmKeyEncryptionTest {
  private final MasterKey master = MasterKey.fromBytes(new byte[32]);
  private final AesGcmKeyEncryption enc = AesGcmKeyEncryption.create(master);

  @Property(tries = 100)
  void encrypt_thenDecrypt_roundTrips(@ForAll @Size(max = 64) byte[] secret, @ForAll String ad) {
    assertThat(enc.decrypt(enc.encrypt(secret, ad), ad)).isEqualTo(secret);
  }

  @Property(tries = 100)
  void decrypt_anyBitFlipped_throws(
      @ForAll @Size(32) byte[] secret, @ForAll @IntRange(min = 0, max = 60 * 8 - 1) int bit) {
    byte[] ct = enc.encrypt(secret, "user-key:a");
    int index = bit / 8 % ct.length;
    ct[index] ^= (byte) (1 << (bit % 8));
    assertThatThrownBy(() -> enc.decrypt(ct, "user-key:a"))
        .isInstanceOf(KeyEncryptionException.class);
  }

  @Property(tries = 20)
  void decrypt_otherAssociatedDataOrKey_throws(@ForAll @Size(32) byte[] secret) {
    byte[] ct = enc.encrypt(secret, "user-key:alice");
    assertThatThrownBy(() -> enc.decrypt(ct, "user-key:bob"))
        .isInstanceOf(KeyEncryptionException.class);
    AesGcmKeyEncryption other = AesGcmKeyEncryption.create(MasterKey.random());
    assertThatThrownBy(() -> other.decrypt(ct, "user-key:alice"))
        .isInstanceOf(KeyEncryptionException.class);
  }

  @Property(tries = 20)
  void encrypt_twice_givesDifferentCiphertexts(@ForAll @Size(32) byte[] secret) {
    assertThat(enc.encrypt(secret, "x")).isNotEqualTo(enc.encrypt(secret, "x"));
    assertThat(enc.encrypt(secret, "x")).hasSize(1 + 12 + 32 + 16);
  }

  @Property(tries = 10)
  void decrypt_truncated_throws(@ForAll @IntRange(min = 0, max = 28) int length) {
    assertThatThrownBy(() -> enc.decrypt(new byte[length], "x"))
        .isInstanceOf(KeyEncryptionException.class);
  }
}
