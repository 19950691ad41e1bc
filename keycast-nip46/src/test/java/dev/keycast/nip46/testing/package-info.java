/**
 * jqwik generators for property tests over Keycast's NIP-46 types: {@code bunker://} and {@code
 * nostrconnect://} URIs. Published as the {@code tests} jar of {@code keycast-nip46} ({@code
 * <type>test-jar</type>}, scope {@code test}); the key, event and NIP-44 generators are in {@code
 * dev.keycast.crypto.testing}. See docs/testing.md.
 */
@NullMarked
package dev.keycast.nip46.testing;

import org.jspecify.annotations.NullMarked;
