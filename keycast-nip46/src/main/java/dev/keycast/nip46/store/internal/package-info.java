/** Storage implementation: not API, may change at any time. */
@NullMarked
package dev.keycast.nip46.store.internal;

import org.jspecify.annotations.NullMarked;
