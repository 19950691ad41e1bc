/**
 * Small runnable programs that use Keycast as a library: {@link dev.keycast.examples.CryptoExample}
 * (events and NIP-44 with keycast-crypto), {@link dev.keycast.examples.EmbeddedSignerExample} (the
 * signer embedded with a custom policy and key store) and {@link
 * dev.keycast.examples.BunkerClientExample} (a NIP-46 client calling a bunker).
 */
@NullMarked
package dev.keycast.examples;

import org.jspecify.annotations.NullMarked;
