package dev.keycast.cli.internal;

import dev.keycast.cli.UsageException;
import dev.keycast.crypto.Nip19;
import dev.keycast.crypto.Nip49;
import dev.keycast.crypto.SecretKey;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Reads a secret key as an operator gives it: {@code nsec1…}, {@code ncryptsec1…} (NIP-49, with a
 * password) or 64 hex characters. The one parser of {@code keycast keys import} and {@code POST
 * /api/v1/keys/import}.
 *
 * <p>Thread-safe (stateless). Never puts the secret in an exception message.
 */
public final class SecretKeyText {
  private SecretKeyText() {}

  /**
   * Parses a secret key.
   *
   * @param text the key, stripped
   * @param ncryptsecPassword asked only for an {@code ncryptsec1…}; the array is wiped after use
   * @return the key
   * @throws UsageException if the text is no valid key, or the password does not decrypt it
   */
  public static SecretKey parse(String text, Supplier<char[]> ncryptsecPassword) {
    String lower = text.strip().toLowerCase(Locale.ROOT);
    try {
      if (lower.startsWith("nsec1")) {
        return Nip19.decodeNsec(lower);
      }
      if (lower.startsWith("ncryptsec1")) {
        char[] password = ncryptsecPassword.get();
        try {
          return Nip49.decrypt(lower, password);
        } catch (GeneralSecurityException e) {
          throw new UsageException(
              "cannot decrypt the ncryptsec: wrong password or corrupted text", e);
        } finally {
          Arrays.fill(password, '\0');
        }
      }
      if (lower.matches("[0-9a-f]{64}")) {
        return SecretKey.fromHex(lower);
      }
    } catch (InvalidKeyException | IllegalArgumentException e) {
      throw new UsageException("not a valid secret key: " + e.getMessage(), e);
    }
    throw new UsageException(
        "unrecognized secret key format: expected nsec1…, ncryptsec1… or 64 hex characters");
  }
}
