package dev.keycast.nip46;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.crypto.Nip44ConversationKeyCache;
import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.SchnorrSigner;
import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import java.security.GeneralSecurityException;
import java.util.List;
import org.junit.jupiter.api.Test;

class Nip46EnvelopeTest {
  final Nip46Envelope envelope = new Nip46Envelope(new Nip44ConversationKeyCache(8));
  final SecretKey alice = SecretKey.generate();
  final SecretKey bob = SecretKey.generate();

  @Test
  void seal_thenOpenByTheRecipient_roundTripsInEachScheme() throws Exception {
    for (Nip46Envelope.Scheme scheme : Nip46Envelope.Scheme.values()) {
      SignedEvent ev =
          envelope.seal(
              scheme,
              "{\"id\":\"1\"}",
              alice,
              SchnorrSigner.create(alice),
              bob.publicKey(),
              1_700_000_000L,
              List.of(List.of("e", "x")));
      NostrEvents.verify(ev);
      assertThat(ev.kind()).isEqualTo(Nip46Envelope.KIND);
      assertThat(ev.pubkey()).isEqualTo(alice.publicKey().toHex());
      assertThat(ev.tags())
          .containsExactly(List.of("p", bob.publicKey().toHex()), List.of("e", "x"));
      assertThat(Nip46Envelope.Scheme.of(ev.content())).isEqualTo(scheme);
      assertThat(envelope.open(ev, bob)).isEqualTo("{\"id\":\"1\"}");
    }
  }

  /** A body given as text or as its UTF-8 bytes seals to the same event, in each scheme. */
  @Test
  void sealDeterministic_textOrUtf8_sameEvent() throws Exception {
    Nip46Response response = new Nip46Response.Ok("r1", "é \"x\" \ud83d\ude00 \u0001");
    byte[] context = {1, 2, 3};
    for (Nip46Envelope.Scheme scheme : Nip46Envelope.Scheme.values()) {
      SignedEvent fromText =
          envelope.sealDeterministic(
              scheme,
              Nip46Codec.toJson(response),
              alice,
              SchnorrSigner.create(alice),
              bob.publicKey(),
              1_700_000_000L,
              List.of(List.of("e", "x")),
              context);
      SignedEvent fromUtf8 =
          envelope.sealDeterministic(
              scheme,
              Nip46Codec.toUtf8(response),
              alice,
              SchnorrSigner.create(alice),
              bob.publicKey(),
              1_700_000_000L,
              List.of(List.of("e", "x")),
              context);
      assertThat(fromUtf8).isEqualTo(fromText);
      assertThat(Nip46Codec.parseResponse(envelope.open(fromUtf8, bob))).isEqualTo(response);
    }
  }

  @Test
  void open_bySomeoneElse_throws() throws Exception {
    SignedEvent ev =
        envelope.seal(
            Nip46Envelope.Scheme.NIP44,
            "secret",
            alice,
            SchnorrSigner.create(alice),
            bob.publicKey(),
            1_700_000_000L,
            List.of());
    assertThatThrownBy(() -> envelope.open(ev, SecretKey.generate()))
        .isInstanceOf(GeneralSecurityException.class);
  }

  @Test
  void dedupeKey_isIdAndSignature() throws Exception {
    SignedEvent ev =
        envelope.seal(
            Nip46Envelope.Scheme.NIP44,
            "x",
            alice,
            SchnorrSigner.create(alice),
            bob.publicKey(),
            1_700_000_000L,
            List.of());
    assertThat(Nip46Envelope.dedupeKey(ev)).isEqualTo(ev.id() + ev.sig());
  }
}
