/** Keycast cli. */
@NullMarked
package dev.keycast.cli;

import org.jspecify.annotations.NullMarked;
