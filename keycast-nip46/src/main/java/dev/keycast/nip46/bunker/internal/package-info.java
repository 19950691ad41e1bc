/** Implementation of the NIP-46 signer pipeline: not API, may change at any time. */
@NullMarked
package dev.keycast.nip46.bunker.internal;

import org.jspecify.annotations.NullMarked;
