/** Keycast queue. */
@NullMarked
package dev.keycast.queue;

import org.jspecify.annotations.NullMarked;
