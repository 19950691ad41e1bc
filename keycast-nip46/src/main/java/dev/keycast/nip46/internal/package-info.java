/** Implementation shared by the protocol and relay packages: not API, may change at any time. */
@NullMarked
package dev.keycast.nip46.internal;

import org.jspecify.annotations.NullMarked;
