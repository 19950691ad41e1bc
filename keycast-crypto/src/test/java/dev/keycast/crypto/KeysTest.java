package dev.keycast.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.InvalidKeyException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** SecretKey and PublicKey validation, redaction and equality. */
class KeysTest {
  private static final String N =
      "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
  private static final String N_MINUS_1 =
      "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140";

  @Test
  void secretKeyFromBytes_wrongLength_throwsIllegalArgument() {
    assertThatThrownBy(() -> SecretKey.fromBytes(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32")
        .hasMessageContaining("31");
    assertThatThrownBy(() -> SecretKey.fromHex("abc")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SecretKey.fromHex("zz".repeat(32)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void secretKeyFromBytes_outOfRange_throwsInvalidKey() {
    assertThatThrownBy(() -> SecretKey.fromBytes(new byte[32]))
        .isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(() -> SecretKey.fromHex(N)).isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(() -> SecretKey.fromHex("ff".repeat(32)))
        .isInstanceOf(InvalidKeyException.class);
  }

  @Test
  void secretKeyFromHex_edgesOfRange_accepted() throws Exception {
    assertThat(SecretKey.fromHex(N_MINUS_1).publicKey().toHex())
        .isEqualTo("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
    assertThat(SecretKey.fromHex("00".repeat(31) + "01").publicKey().toHex())
        .isEqualTo("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
  }

  @Test
  void secretKey_toStringAndExceptions_neverShowKeyBytes() throws Exception {
    String hex = "b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef";
    SecretKey key = SecretKey.fromHex(hex);
    assertThat(key.toString())
        .doesNotContain(hex)
        .doesNotContain(hex.substring(0, 8))
        .contains("REDACTED");
    assertThat(SchnorrSigner.create(key).toString()).doesNotContain(hex.substring(0, 8));
    assertThatThrownBy(() -> SecretKey.fromHex(N)).hasMessageNotContaining(N.substring(0, 16));
  }

  @Test
  void secretKey_equalsAndHashCode_byValue() throws Exception {
    SecretKey a = SecretKey.fromHex("00".repeat(31) + "07");
    SecretKey b = SecretKey.fromBytes(a.toBytes(InsecureSecretKeyAccess.get()));
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(SecretKey.generate());
  }

  @Test
  void secretKeyToBytes_returnsCopy() throws Exception {
    SecretKey a = SecretKey.fromHex("00".repeat(31) + "07");
    byte[] bytes = a.toBytes(InsecureSecretKeyAccess.get());
    bytes[31] = 9;
    assertThat(a.toBytes(InsecureSecretKeyAccess.get())[31]).isEqualTo((byte) 7);
  }

  @Test
  void generate_twice_differentValidKeys() {
    SecretKey a = SecretKey.generate();
    assertThat(a).isNotEqualTo(SecretKey.generate());
    assertThat(a.publicKey().toBytes()).hasSize(32);
  }

  @Test
  void publicKeyFromHex_offCurveOrTooLarge_throwsInvalidKey() {
    assertThatThrownBy(
            () ->
                PublicKey.fromHex(
                    "eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34"))
        .isInstanceOf(InvalidKeyException.class);
    // x = p (row 14 of the BIP-340 vectors): not a field element.
    assertThatThrownBy(
            () ->
                PublicKey.fromHex(
                    "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc30"))
        .isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(() -> PublicKey.fromHex("00".repeat(32)))
        .isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(() -> PublicKey.fromBytes(new byte[33]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void publicKey_hexRoundTripAndToString_lowercase() throws Exception {
    String upper = "DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659";
    PublicKey pk = PublicKey.fromHex(upper);
    assertThat(pk.toHex()).isEqualTo(upper.toLowerCase());
    assertThat(pk.toString()).isEqualTo(pk.toHex());
    assertThat(pk).isEqualTo(PublicKey.fromBytes(HexFormat.of().parseHex(pk.toHex())));
  }

  @Test
  void conversationKey_toString_redacted() {
    Nip44ConversationKey k = Nip44ConversationKey.fromBytes(new byte[32]);
    assertThat(k.toString()).contains("REDACTED");
    assertThatThrownBy(() -> Nip44ConversationKey.fromBytes(new byte[16]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void schnorr_wrongLengths_throwIllegalArgument() throws Exception {
    SecretKey key = SecretKey.generate();
    SchnorrSigner signer = SchnorrSigner.create(key);
    assertThatThrownBy(() -> signer.sign(new byte[32], new byte[31]))
        .isInstanceOf(IllegalArgumentException.class);
    SchnorrVerifier verifier = SchnorrVerifier.create(key.publicKey());
    assertThatThrownBy(() -> verifier.verify(new byte[63], new byte[32]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> verifier.verify(new byte[64], new byte[32]))
        .isInstanceOf(java.security.SignatureException.class);
  }
}
