/**
 * Keycast crypto: BIP-340 Schnorr signatures over secp256k1, x-only keys, ECDH, NIP-44 v2 and
 * NIP-04 encryption, and NIP-01 event ids and signatures.
 *
 * <p>Every primitive is backed by native libsecp256k1 when it can be loaded and by a pure-Java
 * Bouncy Castle implementation otherwise; both produce byte-identical results. See {@link
 * dev.keycast.crypto.CryptoBackend}.
 *
 * <p>Failure contract: {@link java.security.GeneralSecurityException} for any verification or
 * decryption failure, {@link java.security.InvalidKeyException} for invalid keys, {@link
 * java.lang.IllegalArgumentException} for malformed lengths or hex. Exception messages never
 * contain key or plaintext bytes.
 */
@NullMarked
package dev.keycast.crypto;

import org.jspecify.annotations.NullMarked;
