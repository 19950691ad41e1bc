package com.example.probe;

import dev.keycast.crypto.internal.Backends;

/** Must not compile: dev.keycast.crypto.internal is not exported by module dev.keycast.crypto. */
public final class UsesInternal {
  public static String backend() {
    return Backends.active().name();
  }
}
