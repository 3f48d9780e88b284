package io.facesearch.migration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.Lock;
import org.apache.lucene.store.LockObtainFailedException;

/**
 * The lock a running {@code ./facesearch serve} holds on its data folder: the write lock of the folder's gallery
 * index ({@code <data>/gallery/write.lock}, an OS file lock that dies with its process). Holding it proves that no
 * server writes the folder while a migration reads it, and keeps one from starting until the migration is done.
 */
final class DataFolderLock implements AutoCloseable {

  private final Directory directory;
  private final Lock lock;

  private DataFolderLock(Directory directory, Lock lock) {
    this.directory = directory;
    this.lock = lock;
  }

  /** Takes the lock; {@link LockObtainFailedException} when a server (or another command) holds it. */
  static DataFolderLock take(Path dataDir) throws LockObtainFailedException {
    Directory directory = null;
    try {
      directory = FSDirectory.open(dataDir.resolve("gallery"));
      return new DataFolderLock(directory, directory.obtainLock(IndexWriter.WRITE_LOCK_NAME));
    } catch (LockObtainFailedException held) {
      closeQuietly(directory);
      throw held;
    } catch (IOException e) {
      closeQuietly(directory);
      throw new UncheckedIOException("cannot lock the data folder " + dataDir, e);
    }
  }

  @Override
  public void close() {
    try {
      lock.close();
    } catch (IOException ignored) {
      // released with the process anyway
    }
    closeQuietly(directory);
  }

  private static void closeQuietly(Directory directory) {
    if (directory == null) {
      return;
    }
    try {
      directory.close();
    } catch (IOException ignored) {
      // nothing held
    }
  }
}
