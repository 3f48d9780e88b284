package io.facesearch.gallery.sketch;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads that help searches scan: one per core beyond the first, each with a slot for one job. A helper that
 * finishes a job watches its slot for {@value #SPIN_NANOS} ns before it parks, because waking a parked thread took
 * 0.1-0.3 ms on the development VM (an idle virtual CPU must be woken through the hypervisor), a tenth of a search
 * of a million faces, during which the searching thread scans alone. Searches that follow each other within that
 * time (a loaded service, a benchmark) find their helper awake; an idle service parks it after one spin.
 */
final class ScanHelpers {

    /** How long a helper watches its slot after a job before it parks. */
    static final long SPIN_NANOS = 200_000;

    private static final Helper[] HELPERS = start(Runtime.getRuntime().availableProcessors() - 1);

    private ScanHelpers() {}

    /**
     * Gives {@code job} to a helper whose slot is free and returns true, or returns false when every helper has a
     * job waiting (the caller then does the work alone). A helper empties its slot when it takes a job, so a job
     * may wait there for the one running to finish and start late; the job must tolerate that.
     */
    static boolean offer(Runnable job) {
        for (Helper helper : HELPERS) {
            if (helper.slot.compareAndSet(null, job)) {
                LockSupport.unpark(helper.thread);
                return true;
            }
        }
        return false;
    }

    private static Helper[] start(int count) {
        Helper[] helpers = new Helper[Math.max(0, count)];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = new Helper();
            helpers[i].thread = Thread.ofPlatform().name("gallery-scan-" + i).daemon(true).start(helpers[i]);
        }
        return helpers;
    }

    private static final class Helper implements Runnable {
        final AtomicReference<Runnable> slot = new AtomicReference<>();
        volatile Thread thread;

        @Override
        public void run() {
            while (true) {
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                while (slot.get() == null && System.nanoTime() - spinUntil < 0) {
                    Thread.onSpinWait();
                }
                Runnable job = slot.getAndSet(null);
                while (job == null) {
                    LockSupport.park(this); // offer() fills the slot before it unparks: no wake-up is lost
                    job = slot.getAndSet(null);
                }
                try {
                    job.run();
                } catch (Throwable t) { // reported as an uncaught exception would be; the helper lives on
                    Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), t);
                }
            }
        }
    }
}
