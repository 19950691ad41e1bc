/**
 * A NIP-46 client: talks to a remote signer ("bunker") over relays. Used by the tests, the CLI's
 * {@code loadtest} and the examples.
 */
@NullMarked
package dev.keycast.nip46.client;

import org.jspecify.annotations.NullMarked;
