package dev.keycast.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** {@link HmacSha256} gives exactly what {@code javax.crypto.Mac("HmacSHA256")} gives. */
class HmacSha256Properties {
  private static byte[] jca(byte[] key, byte[] data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }

  private static byte[] ours(HmacSha256 mac, byte[] data) {
    mac.update(data);
    byte[] out = new byte[32];
    mac.doFinal(out, 0);
    return out;
  }

  /** Keys of 1 to 150 bytes, biased to the lengths NIP-44 uses (32, and 8 for the salt). */
  @Provide
  Arbitrary<byte[]> keys() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.bytes().array(byte[].class).ofSize(32)),
        Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofSize(8)),
        Tuple.of(3, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(150)));
  }

  /** Runs of a key (first) and the messages MACed under it. */
  @Provide
  Arbitrary<List<List<byte[]>>> runs() {
    return Combinators.combine(
            keys(), Arbitraries.bytes().array(byte[].class).ofMaxSize(300).list().ofMaxSize(4))
        .as(
            (k, msgs) -> {
              List<byte[]> all = new java.util.ArrayList<>();
              all.add(k);
              all.addAll(msgs);
              return all;
            })
        .list()
        .ofMinSize(1)
        .ofMaxSize(4);
  }

  @Property(tries = 1000)
  void oneMessage_sameAsJcaMac(
      @ForAll("keys") byte[] key,
      @ForAll @Size(max = 300) byte[] data,
      @ForAll @IntRange(min = 0, max = 300) int split)
      throws GeneralSecurityException {
    HmacSha256 mac = new HmacSha256();
    mac.init(key);
    int cut = Math.min(split, data.length);
    mac.update(data, 0, cut); // in two parts, the second byte by byte
    for (int i = cut; i < data.length; i++) {
      mac.update(data[i]);
    }
    byte[] out = new byte[32];
    mac.doFinal(out, 0);
    assertThat(out).isEqualTo(jca(key, data));
  }

  /**
   * One instance over several keys, each for several messages: doFinal starts the next message
   * under the same key, and a new key (shorter or longer) leaves nothing of the old one.
   */
  @Property(tries = 300)
  void reused_keysAndMessagesInTurn_sameAsJcaMac(@ForAll("runs") List<List<byte[]>> runs)
      throws GeneralSecurityException {
    HmacSha256 mac = new HmacSha256();
    for (List<byte[]> run : runs) {
      byte[] key = run.get(0);
      mac.init(key);
      for (byte[] data : run.subList(1, run.size())) {
        assertThat(ours(mac, data)).isEqualTo(jca(key, data));
      }
    }
  }

  @Property(tries = 300)
  void offsets_readAndWriteOnlyTheirRanges(
      @ForAll("keys") byte[] key,
      @ForAll @Size(max = 100) byte[] data,
      @ForAll @IntRange(min = 0, max = 20) int before,
      @ForAll @IntRange(min = 0, max = 20) int after)
      throws GeneralSecurityException {
    byte[] keyIn = new byte[before + key.length + after];
    Arrays.fill(keyIn, (byte) 0x5a);
    System.arraycopy(key, 0, keyIn, before, key.length);
    byte[] dataIn = new byte[before + data.length + after];
    Arrays.fill(dataIn, (byte) 0xa5);
    System.arraycopy(data, 0, dataIn, before, data.length);
    byte[] out = new byte[before + 32 + after];
    Arrays.fill(out, (byte) 0x77);

    HmacSha256 mac = new HmacSha256();
    mac.init(keyIn, before, key.length);
    mac.update(dataIn, before, data.length);
    mac.doFinal(out, before);

    assertThat(Arrays.copyOfRange(out, before, before + 32)).isEqualTo(jca(key, data));
    for (int i = 0; i < out.length; i++) {
      if (i < before || i >= before + 32) {
        assertThat(out[i]).as("byte %d outside the MAC", i).isEqualTo((byte) 0x77);
      }
    }
  }

  @Property(tries = 100)
  void clear_forgetsTheKey(@ForAll("keys") byte[] key, @ForAll @Size(max = 100) byte[] data)
      throws GeneralSecurityException {
    HmacSha256 mac = new HmacSha256();
    mac.init(key);
    mac.update(data); // a message under way is dropped too
    mac.clear();
    // a key of zero bytes is zero-padded to the block, as is the single byte 00
    assertThat(ours(mac, data)).isEqualTo(jca(new byte[] {0}, data));
  }

  @Example
  void rfc4231TestCase2() {
    HmacSha256 mac = new HmacSha256();
    mac.init("Jefe".getBytes(StandardCharsets.US_ASCII));
    byte[] out = ours(mac, "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII));
    assertThat(HexFormat.of().formatHex(out))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }
}
