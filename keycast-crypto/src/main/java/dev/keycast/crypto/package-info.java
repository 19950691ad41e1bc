/** Keycast crypto. */
@NullMarked
package dev.keycast.crypto;

import org.jspecify.annotations.NullMarked;
