/**
 * Talking to Nostr relays: {@link dev.keycast.nip46.relay.RelayPool}, a client to several relays
 * over WebSockets ({@code ws://} and {@code wss://}), and {@link dev.keycast.nip46.relay.DevRelay},
 * a small NIP-01 relay for tests and local use.
 */
@NullMarked
package dev.keycast.nip46.relay;

import org.jspecify.annotations.NullMarked;
