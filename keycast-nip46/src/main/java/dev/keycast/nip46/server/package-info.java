/**
 * The NIP-46 signer's handler-side API: the {@link dev.keycast.nip46.server.RequestHandler} that embedders implement
 * or decorate, its {@link dev.keycast.nip46.server.RequestContext}, the {@link dev.keycast.nip46.server.ApprovalHook},
 * the stable {@link dev.keycast.nip46.server.SignerError} strings, the intake limits and the stats and health types.
 * The engine is in {@code dev.keycast.nip46.server.internal} (not API), the assembly in
 * {@link dev.keycast.nip46.bunker}. This package imports neither.
 *
 * <p>Thread roles are described in {@code docs/nip46.md} and on each type.
 */
@NullMarked
package dev.keycast.nip46.server;

import org.jspecify.annotations.NullMarked;
