/** Implementation of {@code dev.keycast.queue}: not API, may change at any time. */
@NullMarked
package dev.keycast.queue.internal;

import org.jspecify.annotations.NullMarked;
