package dev.keycast.crypto;

import dev.keycast.crypto.internal.Bytes;
import java.util.List;
import java.util.Objects;

/**
 * A NIP-01 event with id and signature, as sent to or received from relays.
 *
 * <p>Construction checks only the shape (lowercase hex of the right lengths, kind range); it does
 * not check that the id matches or that the signature is valid: use {@link
 * NostrEvents#verify(SignedEvent)} for that.
 *
 * <p>Immutable: {@code tags} is deep-copied into unmodifiable lists. Thread-safe.
 *
 * @param id event id, 64 lowercase hex characters
 * @param pubkey author x-only public key, 64 lowercase hex characters
 * @param createdAt creation time in Unix seconds, &ge; 0
 * @param kind event kind, 0 to 65535
 * @param tags tags, each a list of strings
 * @param content content
 * @param sig BIP-340 signature over the id, 128 lowercase hex characters
 */
public record SignedEvent(
    String id,
    String pubkey,
    long createdAt,
    int kind,
    List<List<String>> tags,
    String content,
    String sig) {

  /**
   * Validates the shape and copies.
   *
   * @throws IllegalArgumentException if a hex field is not lowercase hex of the right length,
   *     {@code createdAt} is negative, or {@code kind} is outside 0..65535
   * @throws NullPointerException if any argument, tag or tag element is null
   */
  public SignedEvent {
    Objects.requireNonNull(content, "content");
    if (!Bytes.isLowerHex(Objects.requireNonNull(id, "id"), 64)) {
      throw new IllegalArgumentException("id must be 64 lowercase hex characters");
    }
    if (!Bytes.isLowerHex(Objects.requireNonNull(pubkey, "pubkey"), 64)) {
      throw new IllegalArgumentException("pubkey must be 64 lowercase hex characters");
    }
    if (!Bytes.isLowerHex(Objects.requireNonNull(sig, "sig"), 128)) {
      throw new IllegalArgumentException("sig must be 128 lowercase hex characters");
    }
    tags = NostrEvents.copyTags(tags);
    NostrEvents.checkKindAndTime(kind, createdAt);
  }

  /**
   * The event as a JSON object, {@code {"id","pubkey","created_at","kind","tags","content","sig"}}
   * in that order, without whitespace, strings escaped exactly as {@code JSON.stringify} does.
   * Never blocks.
   *
   * @return the JSON text
   */
  public String toJson() {
    return appendJson(new StringBuilder(jsonLengthHint())).toString();
  }

  /**
   * Appends {@link #toJson()}'s text to {@code sb}, which first grows, at most once, to hold it:
   * for a caller that wraps the event in a message ({@code ["EVENT",…]}) without copying it again.
   * Never blocks.
   *
   * @param sb the builder to append to
   * @return {@code sb}
   */
  public StringBuilder appendJson(StringBuilder sb) {
    sb.ensureCapacity(sb.length() + jsonLengthHint());
    sb.append("{\"id\":\"")
        .append(id)
        .append("\",\"pubkey\":\"")
        .append(pubkey)
        .append("\",\"created_at\":")
        .append(createdAt)
        .append(",\"kind\":")
        .append(kind)
        .append(",\"tags\":");
    NostrEvents.appendTags(sb, tags);
    sb.append(",\"content\":");
    NostrEvents.appendJsonString(sb, content);
    sb.append(",\"sig\":\"").append(sig).append("\"}");
    return sb;
  }

  /**
   * The JSON's length when no string needs escaping, plus a little: sized so that the builder is
   * allocated once instead of growing (a copy at twice the size) past a fixed guess, as it did for
   * every reply (its {@code p} and {@code e} tags alone are 150 characters; issue 15).
   */
  private int jsonLengthHint() {
    // {"id":"…","pubkey":"…","created_at":N,"kind":N,"tags":[…],"content":"…","sig":"…"}
    int n = 64 + 64 + 128 + 80 + 20 + 5 + 2 + content.length() + 32;
    for (List<String> tag : tags) {
      n += 3;
      for (String v : tag) {
        n += v.length() + 3;
      }
    }
    return n;
  }
}
