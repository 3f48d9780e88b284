package io.facesearch.gallery.sketch;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads that help searches scan, owned by a gallery: started when it opens (the constructor), stopped when it
 * closes ({@link #close}); never by a static initialiser. Each helper has a slot for one job. A search offers its
 * job with the {@link SketchScanStrategy} of its query, so every search of a gallery shares that gallery's helpers.
 *
 * <p>A helper that finishes a job watches its slot for {@value #SPIN_NANOS} ns before it parks: waking a parked
 * thread took 0.1-0.3 ms on the development VM (an idle virtual CPU must be woken through the hypervisor), a tenth of
 * a search of a million faces, during which the searching thread scans alone. Searches that follow each other
 * within that time (a loaded service, a benchmark) find their helper awake; an idle service parks it after one
 * bounded spin, so an idle gallery costs no CPU.
 */
public final class ParallelScan implements AutoCloseable {

  /** How long a helper watches its slot after a job before it parks (bounded: see the class comment). */
  static final long SPIN_NANOS = 200_000;

  /** No helpers: every search scans on its own thread. */
  public static final ParallelScan NONE = new ParallelScan(0, "none");

  private final Helper[] helpers;

  /** Starts {@code helpers} daemon threads named {@code <name>-<i>}. */
  public ParallelScan(int helpers, String name) {
    if (helpers < 0) {
      throw new IllegalArgumentException("helpers must be at least 0: " + helpers);
    }
    this.helpers = new Helper[helpers];
    for (int i = 0; i < helpers; i++) {
      this.helpers[i] = new Helper();
      this.helpers[i].thread =
          Thread.ofPlatform().name(name + "-" + i).daemon(true).start(this.helpers[i]);
    }
  }

  public int helpers() {
    return helpers.length;
  }

  /**
   * Gives {@code job} to a helper whose slot is free and returns true, or returns false when every helper has a
   * job waiting or the scan is closed (the caller then does the work alone). A helper empties its slot when it
   * takes a job, so a job may wait there for the one running to finish and start late, or never run when the
   * scan closes meanwhile; the job must tolerate both (a search's job does: its own thread scans what the helper
   * did not claim).
   */
  boolean offer(Runnable job) {
    for (Helper helper : helpers) {
      if (!helper.stopped && helper.slot.compareAndSet(null, job)) {
        LockSupport.unpark(helper.thread);
        return true;
      }
    }
    return false;
  }

  /** Stops the helpers and waits for them to finish the job they run (a job offered but not started is dropped). */
  @Override
  public void close() {
    for (Helper helper : helpers) {
      helper.stopped = true;
      LockSupport.unpark(helper.thread);
    }
    boolean interrupted = false;
    for (Helper helper : helpers) {
      while (helper.thread.isAlive()) {
        try {
          helper.thread.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static final class Helper implements Runnable {
    final AtomicReference<Runnable> slot = new AtomicReference<>();
    volatile Thread thread;
    volatile boolean stopped;

    @Override
    public void run() {
      while (!stopped) {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (slot.get() == null && !stopped && System.nanoTime() - spinUntil < 0) {
          Thread.onSpinWait();
        }
        Runnable job = slot.getAndSet(null);
        while (job == null && !stopped) {
          LockSupport.park(this); // offer() fills the slot before it unparks: no wake-up is lost
          job = slot.getAndSet(null);
        }
        if (job == null) {
          return;
        }
        try {
          job.run();
        } catch (Throwable t) { // reported as an uncaught exception would be; the helper lives on
          Thread.currentThread()
              .getUncaughtExceptionHandler()
              .uncaughtException(Thread.currentThread(), t);
        }
      }
    }
  }
}
