package dev.keycast.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.crypto.internal.Utf8;
import dev.keycast.crypto.testing.CryptoArbitraries;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link Nip44Cipher}'s per-thread buffers: nothing secret or plaintext left in them after a call,
 * bounded size, and results independent of what a thread did before or of other threads.
 */
class Nip44ThreadBuffersTest {
  private static final Nip44ConversationKey KEY = conversationKey();

  private static Nip44ConversationKey conversationKey() {
    try {
      return Nip44ConversationKey.derive(SecretKey.generate(), SecretKey.generate().publicKey());
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  @Provide
  Arbitrary<SecretKey> keys() {
    return CryptoArbitraries.secretKeys();
  }

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.strings().all().ofMinLength(1).ofMaxLength(700);
  }

  @Provide
  Arbitrary<byte[]> contexts() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(70);
  }

  @Provide
  Arbitrary<List<String>> textRuns() {
    Arbitrary<String> sized =
        Arbitraries.integers()
            .between(1, 3000)
            .flatMap(n -> Arbitraries.strings().all().ofLength(n));
    return sized.list().ofMinSize(1).ofMaxSize(6);
  }

  private static void assertThreadHoldsNoSecret() {
    Nip44Cipher.Primitives p = Nip44Cipher.primitives();
    assertThat(p.keys).as("message keys").containsOnly(0);
    assertThat(p.chachaNonce).as("chacha nonce").containsOnly(0);
    if (p.rawBuffer.length > 0) {
      assertThat(p.rawBuffer).as("decoded payload").containsOnly(0);
    }
  }

  /** The synthetic nonce is HMAC-SHA256(key, label ‖ u32(len(context)) ‖ context ‖ UTF-8). */
  @Property(tries = 200)
  void encryptSynthetic_isEncryptWithTheNonceJcaMacDefines(
      @ForAll("keys") SecretKey a,
      @ForAll("keys") SecretKey b,
      @ForAll("texts") String text,
      @ForAll("contexts") byte[] context)
      throws GeneralSecurityException {
    Nip44ConversationKey key = Nip44ConversationKey.derive(a, b.publicKey());
    byte[] utf8 = Utf8.encode(text);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.bytes(), "HmacSHA256"));
    mac.update("keycast/nip44/siv".getBytes(StandardCharsets.US_ASCII));
    mac.update(
        new byte[] {
          (byte) (context.length >>> 24),
          (byte) (context.length >>> 16),
          (byte) (context.length >>> 8),
          (byte) context.length
        });
    mac.update(context);
    String expected = Nip44Cipher.encrypt(text, key, mac.doFinal(utf8));

    assertThat(Nip44Cipher.encryptSynthetic(text, key, context)).isEqualTo(expected);
    assertThat(Nip44Cipher.encryptSynthetic(utf8, key, context)).isEqualTo(expected);
    assertThreadHoldsNoSecret();
  }

  /** Sizes in turn on one thread give what each gives on a thread of its own. */
  @Property(tries = 40)
  void sizesInTurnOnOneThread_sameAsEachOnAFreshThread(@ForAll("textRuns") List<String> texts)
      throws Exception {
    byte[] nonce = new byte[32];
    for (String text : texts) {
      nonce[0]++;
      String payload = Nip44Cipher.encrypt(text, KEY, nonce);
      String decrypted = Nip44Cipher.decrypt(payload, KEY);
      byte[] nonceNow = nonce.clone();
      AtomicReference<String> fresh = new AtomicReference<>();
      Thread t =
          Thread.ofPlatform().start(() -> fresh.set(Nip44Cipher.encrypt(text, KEY, nonceNow)));
      t.join();
      assertThat(payload).isEqualTo(fresh.get());
      assertThat(decrypted).isEqualTo(new String(Utf8.encode(text), StandardCharsets.UTF_8));
      assertThreadHoldsNoSecret();
    }
  }

  /** Each padded size up to the limit has its own slot, and the slots are 0 to n - 1. */
  @Example
  void payloadSlot_oneDistinctSlotPerPaddedSizeUpToTheLimit() {
    java.util.Map<Integer, Integer> slotOfSize = new java.util.TreeMap<>();
    for (int len = 1; len <= 70_000; len++) {
      int padded = (int) Nip44Cipher.calcPaddedLen(len);
      int slot = Nip44Cipher.payloadSlot(padded);
      if (padded <= Nip44Cipher.MAX_KEPT_PADDED_BYTES) {
        assertThat(slot).as("slot of %d", padded).isNotNegative();
        slotOfSize.put(padded, slot);
      } else {
        assertThat(slot).as("slot of %d", padded).isEqualTo(-1);
      }
    }
    assertThat(new java.util.TreeSet<>(slotOfSize.values()))
        .containsExactlyElementsOf(
            java.util.stream.IntStream.range(0, slotOfSize.size()).boxed().toList());
    assertThat(Nip44Cipher.primitives().payloads.length).isEqualTo(slotOfSize.size());
    for (int notPadded : new int[] {0, 31, 33, 100, 257, 300, 513, 8191, 8193}) {
      assertThat(Nip44Cipher.payloadSlot(notPadded)).as("slot of %d", notPadded).isEqualTo(-1);
    }
  }

  /** A shorter plaintext of the same padded size after a longer one: padding zero again. */
  @Example
  void shorterTextOfTheSamePaddedSize_sameAsOnAFreshThread() throws Exception {
    byte[] nonce = new byte[32];
    for (String text : List.of("a".repeat(250), "b".repeat(230), "c".repeat(900), "d")) {
      String payload = Nip44Cipher.encrypt(text, KEY, nonce);
      AtomicReference<String> fresh = new AtomicReference<>();
      Thread.ofPlatform().start(() -> fresh.set(Nip44Cipher.encrypt(text, KEY, nonce))).join();
      assertThat(payload).isEqualTo(fresh.get());
      assertThat(Nip44Cipher.decrypt(payload, KEY)).isEqualTo(text);
    }
  }

  @Example
  void afterEveryOutcome_theThreadHoldsNoSecretOrPlaintext() throws Exception {
    String payload = Nip44Cipher.encrypt("a secret", KEY);
    assertThreadHoldsNoSecret();
    assertThat(Nip44Cipher.decrypt(payload, KEY)).isEqualTo("a secret");
    assertThreadHoldsNoSecret();
    Nip44Cipher.encryptSynthetic("another secret", KEY, new byte[3]);
    assertThreadHoldsNoSecret();

    char[] tampered = payload.toCharArray();
    tampered[50] = tampered[50] == 'A' ? 'B' : 'A';
    assertThatThrownBy(() -> Nip44Cipher.decrypt(new String(tampered), KEY))
        .isInstanceOf(AEADBadTagException.class);
    assertThreadHoldsNoSecret();

    // a valid MAC over a bad padding: rejected after decrypting, so the buffer held plaintext
    byte[] padded = new byte[34];
    padded[1] = 40; // length 40 in a 32-byte padding
    System.arraycopy(
        "plaintext of the bad padding".getBytes(StandardCharsets.US_ASCII), 0, padded, 2, 28);
    String badPadding = Nip44TestSupport.encryptPadded(padded, KEY, new byte[32]);
    assertThatThrownBy(() -> Nip44Cipher.decrypt(badPadding, KEY))
        .isInstanceOf(BadPaddingException.class);
    assertThreadHoldsNoSecret();
  }

  @Example
  void payloadsBeyond64KiB_roundTrip_andTheThreadKeepsAtMost64KiB() throws Exception {
    String big = "x".repeat(100_000);
    String small = "y".repeat(500);
    Nip44Cipher.decrypt(Nip44Cipher.encrypt(small, KEY), KEY); // the buffers exist
    String payload = Nip44Cipher.encrypt(big, KEY);
    assertThat(Nip44Cipher.decrypt(payload, KEY)).isEqualTo(big);
    assertThat(Nip44Cipher.encryptSynthetic(big, KEY, new byte[0])).hasSize(payload.length());
    Nip44Cipher.Primitives p = Nip44Cipher.primitives();
    assertThat(p.rawBuffer.length).isBetween(1, Nip44Cipher.MAX_SCRATCH_BYTES);
    assertThat(p.textBuffer.length).isBetween(1, Nip44Cipher.MAX_SCRATCH_BYTES);
    assertThreadHoldsNoSecret();
    assertThat(Nip44Cipher.decrypt(Nip44Cipher.encrypt(small, KEY), KEY)).isEqualTo(small);
  }

  /** Platform and virtual threads at once, each message a different size: the lone results. */
  @Example
  void manyThreadsAtOnce_sameResultsAsOneThread() throws Exception {
    int messages = 64;
    List<String> texts = new ArrayList<>();
    List<String> payloads = new ArrayList<>();
    List<String> synthetic = new ArrayList<>();
    byte[] context = {1, 2, 3};
    for (int i = 0; i < messages; i++) {
      String text = ("message " + i + " \u00e9\ud83d\ude00 ").repeat(1 + i * 7);
      texts.add(text);
      payloads.add(Nip44Cipher.encrypt(text, KEY));
      synthetic.add(Nip44Cipher.encryptSynthetic(text, KEY, context));
    }
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<String>>> futures = new ArrayList<>();
    try (ExecutorService platform = Executors.newFixedThreadPool(4);
        ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int t = 0; t < 36; t++) {
        int offset = t * 11;
        Callable<List<String>> work =
            () -> {
              List<String> failures = new ArrayList<>();
              start.await();
              for (int j = 0; j < 3 * messages; j++) {
                int i = (j + offset) % messages;
                if (!Nip44Cipher.decrypt(payloads.get(i), KEY).equals(texts.get(i))) {
                  failures.add("decrypt " + i);
                }
                if (!Nip44Cipher.encryptSynthetic(texts.get(i), KEY, context)
                    .equals(synthetic.get(i))) {
                  failures.add("encryptSynthetic " + i);
                }
              }
              return failures;
            };
        futures.add((t < 4 ? platform : virtual).submit(work));
      }
      start.countDown();
      List<String> failures = new ArrayList<>();
      for (Future<List<String>> f : futures) {
        failures.addAll(f.get());
      }
      assertThat(failures).isEmpty();
    }
  }
}
