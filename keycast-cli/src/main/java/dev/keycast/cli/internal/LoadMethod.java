package dev.keycast.cli.internal;

import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.nip46.EventJson;
import dev.keycast.nip46.EventTemplate;
import dev.keycast.nip46.Nip46Request;
import java.security.GeneralSecurityException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The requests {@code keycast loadtest} sends, and the check of each {@code result}: the same for
 * both of its drivers, so that they count the same replies as wrong.
 *
 * <p>Thread-safety: stateless; safe from any thread; never blocks.
 */
public enum LoadMethod {
  /** {@code ping}: the result must be {@code pong}. */
  ping,
  /**
   * {@code sign_event} of a kind-1 note {@code "keycast loadtest note I"}: the result must be that
   * event, signed (id and signature verified).
   */
  sign_event,
  /** {@code nip44_encrypt} of {@code "keycast loadtest message I"} to a third party. */
  nip44_encrypt;

  /**
   * Request number {@code index}.
   *
   * @param id the NIP-46 request id
   * @param index the request's number in the run
   * @param createdAtSeconds the note's {@code created_at} (sign_event)
   * @param peer the third party (nip44_encrypt)
   * @return the request
   */
  public Nip46Request request(String id, int index, long createdAtSeconds, PublicKey peer) {
    return switch (this) {
      case ping -> new Nip46Request.Ping(id);
      case sign_event -> new Nip46Request.SignEvent(id, note(index, createdAtSeconds));
      case nip44_encrypt ->
          new Nip46Request.Nip44Encrypt(id, peer.toHex(), "keycast loadtest message " + index);
    };
  }

  /**
   * The note request {@code index} of {@code sign_event} asks to sign.
   *
   * @param index the request's number
   * @param createdAtSeconds its {@code created_at}
   * @return the template
   */
  public static EventTemplate note(int index, long createdAtSeconds) {
    return new EventTemplate(1, noteContent(index), List.of(), createdAtSeconds);
  }

  private static String noteContent(int index) {
    return "keycast loadtest note " + index;
  }

  /**
   * What is wrong with the result of request {@code index}, if anything. For {@code sign_event}
   * this parses and verifies the returned event (CPU: one Schnorr verification).
   *
   * @param index the request's number
   * @param result the {@code result} of the bunker's answer
   * @return null if the result is what was asked, else a short reason
   */
  public @Nullable String wrongResult(int index, String result) {
    return switch (this) {
      case ping -> "pong".equals(result) ? null : "ping: result is not pong";
      case sign_event -> {
        SignedEvent e;
        try {
          e = EventJson.parse(result);
          NostrEvents.verify(e);
        } catch (GeneralSecurityException | RuntimeException ex) {
          yield "sign_event: result is not a valid signed event";
        }
        yield e.kind() == 1 && e.content().equals(noteContent(index))
            ? null
            : "sign_event: signed another event";
      }
      case nip44_encrypt -> result.isEmpty() ? "nip44_encrypt: empty result" : null;
    };
  }
}
