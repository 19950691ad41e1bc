/** Implementation details of {@code dev.keycast.nip46}: not API, may change at any time. */
@NullMarked
package dev.keycast.nip46.internal;

import org.jspecify.annotations.NullMarked;
