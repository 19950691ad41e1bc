/**
 * Talking to Nostr relays: {@link dev.keycast.nip46.relay.RelayPool}, a client to several relays
 * over the JDK's {@link java.net.http.WebSocket}, and {@link dev.keycast.nip46.relay.DevRelay}, a
 * small NIP-01 relay for tests and local use.
 */
@NullMarked
package dev.keycast.nip46.relay;

import org.jspecify.annotations.NullMarked;
