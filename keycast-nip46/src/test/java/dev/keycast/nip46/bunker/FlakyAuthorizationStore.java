package dev.keycast.nip46.bunker;

import dev.keycast.nip46.store.AuthorizationStore;
import dev.keycast.nip46.store.DatabaseUnavailableException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real JDBI store behind a switch: while {@link #down} is set, every call throws what the store
 * throws when its pool cannot reach the database. Also counts bunker-key lookups (for the
 * single-flight tests) and every call by method name. A dynamic proxy, so it follows the store
 * interface as it grows.
 */
public final class FlakyAuthorizationStore {
  public volatile boolean down;
  public final AtomicInteger findByBunkerKeyCalls = new AtomicInteger();

  /** Calls that reached the real store, by method name. */
  public final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

  public final AuthorizationStore store;

  public FlakyAuthorizationStore(AuthorizationStore real) {
    this.store =
        (AuthorizationStore)
            Proxy.newProxyInstance(
                AuthorizationStore.class.getClassLoader(),
                new Class<?>[] {AuthorizationStore.class},
                (proxy, method, args) -> {
                  if (method.getDeclaringClass() == Object.class) {
                    return method.invoke(real, args);
                  }
                  if (down) {
                    throw new DatabaseUnavailableException(
                        "simulated outage",
                        new SQLTransientConnectionException("connection is not available"));
                  }
                  calls
                      .computeIfAbsent(method.getName(), k -> new AtomicInteger())
                      .incrementAndGet();
                  if (method.getName().equals("findByBunkerPublicKey")) {
                    findByBunkerKeyCalls.incrementAndGet();
                  }
                  try {
                    return method.invoke(real, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
  }
}
