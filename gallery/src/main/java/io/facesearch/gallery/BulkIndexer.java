package io.facesearch.gallery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.lucene.index.IndexWriter;

/**
 * Feeds faces streamed by a {@link GalleryTruth} to an {@link IndexWriter} from several threads, so that indexing
 * (building the documents, and the flushes of their segments, where the sketches are encoded) uses every core. Each
 * thread writes its own in-memory segment.
 */
final class BulkIndexer implements AutoCloseable {

  private static final StoredFace END =
      new StoredFace(
          "",
          "",
          "",
          FaceSource.API,
          false,
          false,
          false,
          false,
          "",
          java.time.Instant.EPOCH,
          new float[0]);

  private final IndexWriter writer;
  private final int dimensions;
  private final boolean replace;
  private final BlockingQueue<StoredFace> queue;
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private long added;
  private boolean finished;

  /** @param replace delete an existing face with the same id (false after {@link IndexWriter#deleteAll()}) */
  BulkIndexer(IndexWriter writer, int threadCount, int dimensions, boolean replace) {
    this.writer = writer;
    this.dimensions = dimensions;
    this.replace = replace;
    this.queue = new ArrayBlockingQueue<>(256 * threadCount);
    for (int i = 0; i < threadCount; i++) {
      Thread thread =
          Thread.ofPlatform().name("gallery-index-" + i).daemon(true).start(this::drain);
      threads.add(thread);
    }
  }

  /** Queues one face; called from the truth's thread. */
  void add(StoredFace face) {
    Embeddings.requireUnit(face.embedding(), dimensions);
    rethrowFailure();
    try {
      queue.put(face);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while indexing", e);
    }
    added++;
  }

  /** Waits until every queued face is in the writer; returns how many were added. */
  long finish() {
    finished = true;
    stopThreads();
    rethrowFailure();
    return added;
  }

  private void drain() {
    try {
      for (StoredFace face = queue.take(); face != END; face = queue.take()) {
        if (failure.get() != null) {
          continue; // keep draining so that the producer never blocks on a full queue
        }
        try {
          if (replace) {
            writer.updateDocument(
                GalleryIndexLayout.faceIdTerm(face.faceId()), GalleryIndexLayout.toDocument(face));
          } else {
            writer.addDocument(GalleryIndexLayout.toDocument(face));
          }
        } catch (IOException | RuntimeException e) {
          failure.compareAndSet(null, e);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void stopThreads() {
    try {
      for (int i = 0; i < threads.size(); i++) {
        queue.put(END);
      }
      for (Thread thread : threads) {
        thread.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while indexing", e);
    }
  }

  private void rethrowFailure() {
    Throwable t = failure.get();
    if (t instanceof IOException io) {
      throw new UncheckedIOException(io);
    }
    if (t instanceof RuntimeException re) {
      throw re;
    }
  }

  @Override
  public void close() {
    if (!finished) {
      finished = true;
      stopThreads();
    }
  }
}
