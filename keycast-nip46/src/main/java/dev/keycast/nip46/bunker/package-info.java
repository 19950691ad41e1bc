/**
 * The assembled signer: {@link dev.keycast.nip46.bunker.Bunker} wires the stores, the request
 * pipeline (relay intake, work queue, CPU executor, replies) and the relays; {@link
 * dev.keycast.nip46.bunker.NostrConnectFlow} accepts a client's {@code nostrconnect://} URI. Their
 * engine (the pipeline's stages, the authorization cache, the default handler) is in {@code
 * dev.keycast.nip46.bunker.internal} (not API); the handler-side API it serves is in {@link
 * dev.keycast.nip46.server}, which imports neither.
 *
 * <p>Thread roles are described in {@code docs/nip46.md} and on each type.
 */
@NullMarked
package dev.keycast.nip46.bunker;

import org.jspecify.annotations.NullMarked;
