package dev.keycast.nip46.bunker.internal;

import dev.keycast.crypto.PublicKey;
import dev.keycast.nip46.Nip46Envelope;

/**
 * Where and how to answer one request: to its client, in its scheme, from its signer key, on its
 * relays. Immutable (the task's relay set may still grow until the reply is published).
 *
 * @param task the request
 * @param signer the authorization and bunker key that answer
 * @param scheme the request's encryption scheme (the reply uses the same)
 * @param client the client to answer
 * @param requestId the request's id ({@code ""} when unreadable)
 * @param methodLabel the method as a metrics label
 */
record Reply(
    RequestTask task,
    AuthorizedSigner signer,
    Nip46Envelope.Scheme scheme,
    PublicKey client,
    String requestId,
    String methodLabel) {}
