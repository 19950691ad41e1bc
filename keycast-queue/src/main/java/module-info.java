/**
 * Keycast queue: the bounded work queues and worker pools that the bunker runs on. Exports only
 * {@code dev.keycast.queue}; {@code dev.keycast.queue.internal} is not API.
 */
module dev.keycast.queue {
  requires static transitive org.jspecify;
  requires org.slf4j;

  exports dev.keycast.queue;
}
