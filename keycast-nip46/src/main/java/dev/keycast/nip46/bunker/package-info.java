/**
 * The assembled signer: {@link dev.keycast.nip46.bunker.Bunker} wires the stores, the request pipeline (relay
 * intake, work queue, CPU executor, replies) and the relays; {@link dev.keycast.nip46.bunker.NostrConnectFlow}
 * accepts a client's {@code nostrconnect://} URI. The handler-side API it serves is in
 * {@link dev.keycast.nip46.server}.
 *
 * <p>Thread roles are described in {@code docs/nip46.md} and on each type.
 */
@NullMarked
package dev.keycast.nip46.bunker;

import org.jspecify.annotations.NullMarked;
