/** Keycast nip46. */
@NullMarked
package dev.keycast.nip46;

import org.jspecify.annotations.NullMarked;
