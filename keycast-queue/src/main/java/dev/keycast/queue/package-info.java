/**
 * Keycast's work queue: a bounded multi-producer multi-consumer {@link dev.keycast.queue.WorkQueue}
 * whose workers are virtual threads (for I/O-heavy request handling), a bounded platform-thread
 * {@link dev.keycast.queue.CpuExecutor} for CPU-bound work such as signing and encryption, a
 * Caffeine-style metrics hook ({@link dev.keycast.queue.QueueStatsCounter}) and a stuck-task
 * watchdog that reports any task running longer than a threshold together with the stack of the
 * thread running it.
 *
 * <p>Thread roles: producers (relay I/O threads, any thread) call {@code WorkQueue.submit}, which
 * never blocks. Workers (virtual threads owned by the queue) run tasks and may block on I/O.
 * CPU-bound work is handed by a worker to the {@code CpuExecutor} with {@code call}, which blocks
 * the worker (a virtual thread, so no carrier is held) until the result is ready. Every component
 * is thread-safe.
 */
@NullMarked
package dev.keycast.queue;

import org.jspecify.annotations.NullMarked;
