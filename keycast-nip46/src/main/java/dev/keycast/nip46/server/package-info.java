/**
 * The NIP-46 signer side: the {@link dev.keycast.nip46.server.RequestHandler} API that embedders implement or
 * compose, the {@link dev.keycast.nip46.server.DefaultRequestHandler} backed by the key store and policies, and
 * {@link dev.keycast.nip46.server.Bunker}, the daemon pipeline (relay intake, work queue, CPU executor, replies).
 *
 * <p>Thread roles are described in {@code docs/nip46.md} and on each type.
 */
@NullMarked
package dev.keycast.nip46.server;

import org.jspecify.annotations.NullMarked;
