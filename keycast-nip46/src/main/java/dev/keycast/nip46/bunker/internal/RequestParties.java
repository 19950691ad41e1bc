package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.PublicKey;

/**
 * The two keys of a verified request: the client that signed it and the signer (bunker) key it is
 * addressed to. Immutable.
 *
 * @param client the client's key (the event's author)
 * @param signer the signer key named by the event's {@code p} tag
 */
record RequestParties(PublicKey client, PublicKey signer) {}
