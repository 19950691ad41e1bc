package dev.keycast.cli.internal;

import dev.keycast.cli.UsageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lock that keeps a second {@code keycast serve} off a SQLite database file: an exclusive OS
 * file lock on {@code <database>.daemon-lock} next to it, held while the daemon runs and released
 * by the OS when the process ends, however it ends. SQLite daemons cannot form a cluster (the CLI
 * and backups still may use the file: they do not take this lock).
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
public final class DaemonLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private DaemonLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock for a SQLite database file. Never waits.
   *
   * @param database the database file
   * @return the held lock
   * @throws UsageException (exit code 64) if another daemon holds it
   * @throws UncheckedIOException if the lock file cannot be created
   */
  public static DaemonLock acquire(Path database) {
    Path file = lockFile(database);
    FileChannel ch;
    try {
      ch =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the daemon lock file " + file, e);
    }
    FileLock l;
    try {
      l = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null; // held by this JVM (tests run daemons in process)
    } catch (IOException e) {
      closeQuietly(ch);
      throw new UncheckedIOException("cannot lock " + file, e);
    }
    if (l == null) {
      closeQuietly(ch);
      throw new UsageException(
          "another keycast serve is already running on "
              + database
              + " (it holds "
              + file.getFileName()
              + "): a SQLite database serves one daemon; stop that one, or run several daemons on"
              + " PostgreSQL (see docs/cluster.md)");
    }
    return new DaemonLock(ch, l);
  }

  /** Returns the lock file of a database file: {@code <database>.daemon-lock}. */
  public static Path lockFile(Path database) {
    return database.resolveSibling(database.getFileName() + ".daemon-lock");
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // nothing held
    }
  }

  @Override
  public void close() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
      channel.close();
    } catch (IOException ignored) {
      // the OS releases the lock with the process anyway
    }
  }
}
