// Bytes and thread CPU per call of hot-path operations, on one thread (and the parse on virtual threads):
// RelayMessages.parseRelayMessage of a request's EVENT message, NostrEvents.computeId of the same event, and the
// EVENT message of a reply as the daemon publishes it (RelayMessages.toJson, replyToJson). A/B: run
// it alternately on two jars; also a sign_event request body parsed (Nip46Codec.parseRequest) and its response written
// (Nip46Codec.toJson), the body's NIP-44 decrypt and the response's encrypt, on one long-lived thread as the CPU pool
// runs them, e.g. for j in OLD NEW OLD NEW; do java -cp $j.jar bench/e2e/HotPathMicro.java $j; done
// An optional second argument, a comma-separated list of ops (e.g. nip44Decrypt,nip44EncryptSynthetic), runs only those
// (the virtual-thread parses only when it names parseOnVirtualThreads or parseOnFreshVirtualThread).
import dev.keycast.crypto.*;
import dev.keycast.nip46.*;
import java.lang.management.ManagementFactory;
import java.util.List;

public class HotPathMicro {
  public static void main(String[] a) throws Exception {
    var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    SecretKey sk = SecretKey.generate();
    SchnorrSigner signer = SchnorrSigner.create(sk);
    // a request event as the daemon receives it: kind 24133, p tag, ~400 chars of NIP-44 content
    SignedEvent ev = NostrEvents.sign(new UnsignedEvent(sk.publicKey(), 1_700_000_000L, 24133,
        List.of(List.of("p", "ab".repeat(32))), "A".repeat(400)), signer);
    String msg = "[\"EVENT\",\"sub-1\"," + ev.toJson() + "]";
    long tid = Thread.currentThread().threadId();
    List<String> only = a.length > 1 ? List.of(a[1].split(",")) : null;
    if (only == null || only.contains("parseOnVirtualThreads")) {
      // the same parse on virtual threads (as the relay I/O and request workers run): total allocation
      Runnable loop = () -> { for (int i = 0; i < 1000; i++) RelayMessages.parseRelayMessage(msg); };
      for (int i = 0; i < 200; i++) Thread.ofVirtual().start(loop).join();
      int threads = 300;
      long b0 = mx.getTotalThreadAllocatedBytes();
      for (int i = 0; i < threads; i++) Thread.ofVirtual().start(loop).join();
      long b1 = mx.getTotalThreadAllocatedBytes();
      System.out.printf("%s parseOnVirtualThreads bytes/op=%.0f%n", a[0], (b1 - b0) / (threads * 1000.0));
    }
    if (only == null || only.contains("parseOnFreshVirtualThread")) {
      // one parse per new virtual thread, as the relay I/O threads parse (a thread per message): an EVENT and an
      // OK message; the bare thread's own bytes (a no-op) printed to subtract
      String ok = "[\"OK\",\"" + ev.id() + "\",true,\"\"]";
      for (String what : List.of("noop", "EVENT", "OK")) {
        Runnable r = switch (what) {
          case "EVENT" -> () -> RelayMessages.parseRelayMessage(msg);
          case "OK" -> () -> RelayMessages.parseRelayMessage(ok);
          default -> () -> {};
        };
        for (int i = 0; i < 50_000; i++) Thread.ofVirtual().start(r).join();
        int n = 100_000;
        long b0 = mx.getTotalThreadAllocatedBytes();
        for (int i = 0; i < n; i++) Thread.ofVirtual().start(r).join();
        long b1 = mx.getTotalThreadAllocatedBytes();
        System.out.printf("%s parseOnFreshVirtualThread %s bytes/op=%.0f%n", a[0], what, (b1 - b0) / (double) n);
      }
    }
    // a reply as the daemon publishes it: p and e tags, ~800 chars of NIP-44 content
    SignedEvent reply = NostrEvents.sign(new UnsignedEvent(sk.publicKey(), 1_700_000_000L, 24133,
        List.of(List.of("p", "ab".repeat(32)), List.of("e", ev.id())), "B".repeat(800)), signer);
    // a sign_event request body as the CPU pool parses it after the decrypt, and the response it answers
    String template = new EventTemplate(1, "hello \"world\" " + "x".repeat(200),
        List.of(List.of("p", "ab".repeat(32)), List.of("t", "tag")), 1_700_000_000L).toJson();
    String body = Nip46Codec.toJson(new Nip46Request.SignEvent("req-0123456789", template));
    Nip46Response response = new Nip46Response.Ok("req-0123456789", ev.toJson());
    // the NIP-44 of one round trip: the request body decrypted, the response encrypted (synthetic nonce, as replies)
    Nip44ConversationKey ck = Nip44ConversationKey.derive(sk, SecretKey.generate().publicKey());
    String sealedBody = Nip44Cipher.encrypt(body, ck);
    String responseJson = Nip46Codec.toJson(response);
    byte[] responseUtf8 = responseJson.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] context = ev.id().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    for (String op : List.of("parseRelayMessage", "computeId", "replyToJson", "parseRequestBody", "responseToJson",
        "nip44Decrypt", "nip44EncryptSynthetic", "nip44EncryptSyntheticUtf8")) {
      if (only != null && !only.contains(op)) {
        continue;
      }
      Runnable r = switch (op) {
        case "nip44Decrypt" -> () -> {
          try {
            Nip44Cipher.decrypt(sealedBody, ck);
          } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
          }
        };
        case "nip44EncryptSynthetic" -> () -> Nip44Cipher.encryptSynthetic(responseJson, ck, context);
        // the daemon's reply path: the body's UTF-8 bytes written directly (Nip46Envelope.sealDeterministic)
        case "nip44EncryptSyntheticUtf8" -> () -> Nip44Cipher.encryptSynthetic(responseUtf8, ck, context);
        case "parseRequestBody" -> () -> Nip46Codec.parseRequest(body);
        case "responseToJson" -> () -> Nip46Codec.toJson(response);
        case "parseRelayMessage" -> () -> RelayMessages.parseRelayMessage(msg);
        case "computeId" ->
            () -> NostrEvents.computeId(ev.pubkey(), ev.createdAt(), ev.kind(), ev.tags(), ev.content());
        default -> () -> RelayMessages.toJson(new ClientMessage.Event(reply));
      };
      for (int i = 0; i < 200_000; i++) r.run(); // warm
      int n = 300_000;
      long b0 = mx.getThreadAllocatedBytes(tid), c0 = mx.getCurrentThreadCpuTime();
      for (int i = 0; i < n; i++) r.run();
      long b1 = mx.getThreadAllocatedBytes(tid), c1 = mx.getCurrentThreadCpuTime();
      System.out.printf("%s %s ns/op=%.0f bytes/op=%.0f%n", a[0], op, (c1 - c0) / (double) n, (b1 - b0) / (double) n);
    }
  }
}
