/** Keycast examples. */
@NullMarked
package dev.keycast.examples;

import org.jspecify.annotations.NullMarked;
