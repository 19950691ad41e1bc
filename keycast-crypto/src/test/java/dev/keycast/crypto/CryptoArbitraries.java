package dev.keycast.crypto;

import java.security.InvalidKeyException;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** Shared jqwik generators. */
final class CryptoArbitraries {
  private CryptoArbitraries() {}

  static Arbitrary<SecretKey> secretKeys() {
    return Arbitraries.bytes().array(byte[].class).ofSize(32).filter(b -> {
      try {
        SecretKey.fromBytes(b);
        return true;
      } catch (InvalidKeyException e) {
        return false;
      }
    }).map(b -> {
      try {
        return SecretKey.fromBytes(b);
      } catch (InvalidKeyException e) {
        throw new AssertionError(e);
      }
    });
  }

  static Arbitrary<byte[]> bytes(int size) {
    return Arbitraries.bytes().array(byte[].class).ofSize(size);
  }

  static Arbitrary<byte[]> bytes(int min, int max) {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(min).ofMaxSize(max);
  }

  /** Well-formed Unicode text (no lone surrogates) whose UTF-8 form is between 1 and maxBytes bytes. */
  static String randomText(long seed, int targetBytes) {
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder();
    int bytes = 0;
    while (true) {
      int cp;
      int kind = r.nextInt(10);
      if (kind < 4) {
        cp = r.nextInt(0x80); // ASCII incl. control characters and NUL
      } else if (kind < 6) {
        cp = 0x80 + r.nextInt(0x800 - 0x80);
      } else if (kind < 8) {
        do {
          cp = 0x800 + r.nextInt(0x10000 - 0x800);
        } while (cp >= 0xD800 && cp <= 0xDFFF);
      } else {
        cp = 0x10000 + r.nextInt(0x110000 - 0x10000); // emoji and other astral characters
      }
      int len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + len > targetBytes) {
        break;
      }
      sb.appendCodePoint(cp);
      bytes += len;
    }
    if (sb.isEmpty()) {
      sb.append('a');
    }
    return sb.toString();
  }
}
