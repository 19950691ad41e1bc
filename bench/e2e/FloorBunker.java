import dev.keycast.crypto.Nip44ConversationKeyCache;
import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.PublicKey;
import dev.keycast.crypto.SchnorrSigner;
import dev.keycast.crypto.SecretKey;
import dev.keycast.crypto.SignedEvent;
import dev.keycast.crypto.UnsignedEvent;
import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.EventTemplate;
import dev.keycast.nip46.Filter;
import dev.keycast.nip46.Nip46Codec;
import dev.keycast.nip46.Nip46Envelope;
import dev.keycast.nip46.Nip46Request;
import dev.keycast.nip46.Nip46Response;
import dev.keycast.nip46.relay.RelayPool;
import dev.keycast.nip46.relay.RelayPoolConfig;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Benchmark floor for issue 15, target 1 (not part of the product): the least a Java NIP-46 signer on this project's
 * relay transport can spend per request. One bunker key and one user key in memory, no store, no policy, no audit,
 * no queue, no thread hand-off: each request is verified, decrypted, parsed, executed (connect: "ack", sign_event,
 * get_public_key), encrypted and signed right on the relay socket's reader thread that delivered it (a real signer
 * must not do that: one slow request would stall the socket), then published through the same {@link RelayPool} the
 * daemon publishes through. The five crypto operations are the daemon's (bench {@code round_trip}); the rest is the
 * transport's floor: WebSocket frames, the socket syscalls and wake-ups, JSON, the JIT and GC of a process that does
 * nothing else.
 *
 * <p>Prints its bunker URI (with a connect secret) on stdout, then serves until killed.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp keycast.jar bench/e2e/FloorBunker.java RELAY_URL</pre>
 */
public final class FloorBunker {
  public static void main(String[] args) throws Exception {
    String relay = args[0];
    SecretKey bunker = SecretKey.generate();
    SecretKey user = SecretKey.generate();
    SchnorrSigner bunkerSigner = SchnorrSigner.create(bunker);
    SchnorrSigner userSigner = SchnorrSigner.create(user);
    PublicKey userKey = user.publicKey();
    Nip46Envelope envelope = new Nip46Envelope(new Nip44ConversationKeyCache(4096));
    RelayPool[] pool = new RelayPool[1];
    pool[0] =
        RelayPool.create(
            RelayPoolConfig.defaults(),
            (url, sub, ev) -> {
              try {
                SignedEvent reply = answer(ev, envelope, bunker, bunkerSigner, userSigner, userKey);
                if (reply != null) {
                  pool[0].publish(reply);
                }
              } catch (Exception e) {
                System.err.println("floor: " + e);
              }
            });
    pool[0].addRelay(relay);
    pool[0].subscribe(
        "floor",
        List.of(
            Filter.builder()
                .kinds(Nip46Envelope.KIND)
                .tag('p', List.of(bunker.publicKey().toHex()))
                .since(System.currentTimeMillis() / 1000 - 5)
                .build()));
    System.out.println(new BunkerUri(bunker.publicKey(), List.of(relay), "floor-secret").format());
    System.out.flush();
    new CountDownLatch(1).await();
  }

  static SignedEvent answer(
      SignedEvent ev,
      Nip46Envelope envelope,
      SecretKey bunker,
      SchnorrSigner bunkerSigner,
      SchnorrSigner userSigner,
      PublicKey userKey)
      throws Exception {
    NostrEvents.verify(ev);
    PublicKey from = PublicKey.fromHex(ev.pubkey());
    Nip46Envelope.Scheme scheme = Nip46Envelope.Scheme.of(ev.content());
    Nip46Request request = Nip46Codec.parseRequest(envelope.decrypt(scheme, ev.content(), bunker, from));
    String id = request.id();
    Nip46Response response =
        switch (request) {
          case Nip46Request.Connect c -> Nip46Response.ok(id, "ack");
          case Nip46Request.GetPublicKey g -> Nip46Response.ok(id, userKey.toHex());
          case Nip46Request.SignEvent s -> {
            EventTemplate t = s.template();
            UnsignedEvent unsigned = new UnsignedEvent(userKey, t.createdAt(), t.kind(), t.tags(), t.content());
            yield Nip46Response.ok(id, NostrEvents.signDeterministic(unsigned, userSigner).toJson());
          }
          default -> Nip46Response.error(id, "unsupported method");
        };
    return envelope.sealDeterministic(
        scheme,
        Nip46Codec.toUtf8(response),
        bunker,
        bunkerSigner,
        from,
        ev.createdAt(),
        List.of(List.of("e", ev.id())),
        HexFormat.of().parseHex(ev.id()));
  }
}
