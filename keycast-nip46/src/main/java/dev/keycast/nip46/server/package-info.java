/**
 * The NIP-46 signer's handler-side API: the {@link dev.keycast.nip46.server.RequestHandler} that
 * embedders implement or decorate, its {@link dev.keycast.nip46.server.RequestContext}, the {@link
 * dev.keycast.nip46.server.ApprovalHook}, the stable {@link dev.keycast.nip46.server.SignerError}
 * strings, the intake limits and the stats and health types. The assembly is {@link
 * dev.keycast.nip46.bunker}, its engine {@code dev.keycast.nip46.bunker.internal} (not API); this
 * package imports neither.
 *
 * <p>Thread roles are described in {@code docs/nip46.md} and on each type.
 */
@NullMarked
package dev.keycast.nip46.server;

import org.jspecify.annotations.NullMarked;
