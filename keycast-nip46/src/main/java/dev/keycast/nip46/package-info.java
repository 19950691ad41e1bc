/**
 * The NIP-46 ("Nostr Connect", remote signing) protocol model and the NIP-01 wire formats it
 * travels in.
 *
 * <ul>
 *   <li>{@link dev.keycast.nip46.Nip46Request} / {@link dev.keycast.nip46.Nip46Response} and {@link
 *       dev.keycast.nip46.Nip46Codec}: the JSON-RPC-like bodies carried (encrypted) in kind-24133
 *       events;
 *   <li>{@link dev.keycast.nip46.BunkerUri} and {@link dev.keycast.nip46.NostrConnectUri}: the
 *       connection URIs;
 *   <li>{@link dev.keycast.nip46.PermissionSet}: {@code method[:param]} permission lists;
 *   <li>{@link dev.keycast.nip46.EventJson}, {@link dev.keycast.nip46.RelayMessages} and {@link
 *       dev.keycast.nip46.Filter}: NIP-01 events and relay messages.
 * </ul>
 *
 * <p>Every type in this package is immutable and thread-safe unless its documentation says
 * otherwise; none of them blocks or does I/O. Parsers are strict and fail only with the {@link
 * dev.keycast.nip46.NostrFormatException} family, never with an unchecked exception from Jackson.
 */
@NullMarked
package dev.keycast.nip46;

import org.jspecify.annotations.NullMarked;
