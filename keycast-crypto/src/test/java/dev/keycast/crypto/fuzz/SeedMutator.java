package dev.keycast.crypto.fuzz;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small deterministic mutator for the smoke run in {@code ./test}: bit flips, interesting bytes,
 * deletions, duplications, insertions and splices of the seeds, one to four per input. It is no
 * substitute for Jazzer's coverage guidance; it only keeps every target exercised on every build.
 */
final class SeedMutator {
  private static final byte[] INTERESTING = {
    0, -1, 1, 2, 0x7f, -0x80, '"', '\\', '[', ']', '{', '}', ',', ':', '%', '&', '=', '?', '#', '1',
    'u', 'q'
  };
  private final List<byte[]> seeds;
  private final SplittableRandom random;

  SeedMutator(List<byte[]> seeds, long seed) {
    this.seeds = seeds;
    this.random = new SplittableRandom(seed);
  }

  byte[] next() {
    byte[] b = seeds.get(random.nextInt(seeds.size())).clone();
    for (int n = 1 + random.nextInt(4); n > 0; n--) {
      b = mutate(b);
    }
    return b;
  }

  private byte[] mutate(byte[] b) {
    if (b.length == 0) {
      return new byte[] {(byte) random.nextInt(256)};
    }
    int at = random.nextInt(b.length);
    switch (random.nextInt(7)) {
      case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
      case 1 -> b[at] = INTERESTING[random.nextInt(INTERESTING.length)];
      case 2 -> {
        int len = 1 + random.nextInt(Math.min(16, b.length - at));
        byte[] out = new byte[b.length - len];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + len, out, at, b.length - at - len);
        return out;
      }
      case 3 -> {
        int len = 1 + random.nextInt(Math.min(16, b.length - at));
        byte[] out = Arrays.copyOf(b, b.length + len);
        System.arraycopy(b, at, out, at + len, b.length - at);
        return out;
      }
      case 4 -> {
        byte[] out = Arrays.copyOf(b, b.length + 1);
        System.arraycopy(b, at, out, at + 1, b.length - at);
        out[at] = (byte) random.nextInt(256);
        return out;
      }
      case 5 -> {
        byte[] other = seeds.get(random.nextInt(seeds.size()));
        int from = other.length == 0 ? 0 : random.nextInt(other.length);
        byte[] out = Arrays.copyOf(b, at + other.length - from);
        System.arraycopy(other, from, out, at, other.length - from);
        return out;
      }
      default -> b[0] = (byte) random.nextInt(256);
    }
    return b;
  }
}
