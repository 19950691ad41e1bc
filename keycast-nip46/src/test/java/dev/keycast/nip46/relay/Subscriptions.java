package dev.keycast.nip46.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

/** Test helpers about a {@link DevRelay}'s open subscriptions. */
public final class Subscriptions {
  private Subscriptions() {}

  /**
   * Waits until {@code relay} holds a subscription to events addressed ({@code #p}) to {@code
   * pubkeyHex}, and fails the test if none appears within {@code within}. A pool or a bunker sends
   * its REQ asynchronously after connecting, and a kind-24133 event published before the relay
   * processed it reaches no one (relays do not store it).
   *
   * @throws InterruptedException if interrupted while waiting
   */
  public static void awaitAddressedTo(DevRelay relay, String pubkeyHex, Duration within)
      throws InterruptedException {
    assertThat(
            relay.awaitSubscription(
                f -> f.tags().getOrDefault('p', List.of()).contains(pubkeyHex), within))
        .as("a subscription on %s to events for %s", relay.url(), pubkeyHex)
        .isTrue();
  }
}
