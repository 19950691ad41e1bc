/**
 * Implementation of {@code dev.keycast.crypto}: secp256k1 backends and helpers. Not API, may change
 * at any time.
 */
@NullMarked
package dev.keycast.crypto.internal;

import org.jspecify.annotations.NullMarked;
