package dev.keycast.examples;

import dev.keycast.crypto.NostrEvents;
import dev.keycast.crypto.SecretKey;
import dev.keycast.nip46.BunkerUri;
import dev.keycast.nip46.EventJson;
import dev.keycast.nip46.EventTemplate;
import dev.keycast.nip46.PermissionSet;
import dev.keycast.nip46.client.Nip46Client;
import dev.keycast.nip46.client.Nip46Result;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A NIP-46 client calling a bunker: connects with the URI's secret, asks for the user's public key,
 * has a note signed and verifies the signature locally.
 *
 * <p>Start a bunker ({@code ./keycast serve --dev} prints a URI), then run: {@code ./mvnw -q -pl
 * examples -am compile exec:java -Dexec.mainClass=dev.keycast.examples.BunkerClientExample
 * -Dexec.args="'bunker://…'"}
 */
public final class BunkerClientExample {
  private BunkerClientExample() {}

  /**
   * Runs the example.
   *
   * @param args the bunker URI
   * @throws Exception if anything fails
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: BunkerClientExample 'bunker://<signer-pubkey>?relay=…&secret=…'");
      System.exit(64);
    }
    BunkerUri uri = BunkerUri.parse(args[0]);
    try (Nip46Client client =
        Nip46Client.builder(uri, SecretKey.generate()).timeout(Duration.ofSeconds(20)).build()) {
      if (!client.awaitConnected(Duration.ofSeconds(20))) {
        System.err.println("no relay of the URI answered");
        System.exit(75);
      }
      System.out.println("connect: " + client.connect(PermissionSet.parse("sign_event:1")).get());
      String pubkey = client.getPublicKey().get().orThrow();
      System.out.println("user pubkey: " + pubkey);
      Nip46Result signed =
          client
              .signEvent(
                  new EventTemplate(
                      1, "signed remotely", List.of(), Instant.now().getEpochSecond()))
              .get();
      switch (signed) {
        case Nip46Result.Success s -> {
          var event = EventJson.parse(s.result());
          NostrEvents.verify(event); // never trust a remote signature without checking it
          System.out.println("signed and verified: " + event.id() + " by " + event.pubkey());
        }
        case Nip46Result.Failure f -> System.out.println("the bunker refused: " + f.error());
        case Nip46Result.TimedOut t -> System.out.println("no answer within " + t.waited());
      }
    }
  }
}
