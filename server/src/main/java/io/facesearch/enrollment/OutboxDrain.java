package io.facesearch.enrollment;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background job that applies the gallery outbox ({@link Enrollments#drain}) every {@code interval}; after a
 * failed pass it waits twice as long as before, up to {@code maxBackoff}, and goes back to {@code interval} after
 * a pass that emptied the outbox. Started and stopped by the server on an executor the server owns.
 */
public final class OutboxDrain {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxDrain.class);

  private final Enrollments enrollments;
  private final Duration interval;
  private final Duration maxBackoff;
  private ScheduledExecutorService executor;
  private ScheduledFuture<?> next;
  private Duration delay;
  private volatile boolean stopped;

  public OutboxDrain(Enrollments enrollments, Duration interval, Duration maxBackoff) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("the drain interval must be positive: " + interval);
    }
    this.enrollments = enrollments;
    this.interval = interval;
    this.maxBackoff = maxBackoff.compareTo(interval) < 0 ? interval : maxBackoff;
  }

  /** Schedules the first pass after one interval. */
  public synchronized void start(ScheduledExecutorService executor) {
    this.executor = executor;
    this.delay = interval;
    schedule();
  }

  /** Cancels the next pass (a running pass finishes). */
  public synchronized void stop() {
    stopped = true;
    if (next != null) {
      next.cancel(false);
    }
  }

  /** The wait before the next pass. */
  public synchronized Duration currentDelay() {
    return delay;
  }

  private synchronized void schedule() {
    if (!stopped && !executor.isShutdown()) {
      next = executor.schedule(this::pass, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void pass() {
    boolean ok;
    try {
      Enrollments.Drained d = enrollments.drain();
      ok = d.failed() == 0;
      if (d.applied() > 0) {
        LOG.info("gallery outbox: applied {} pending change(s)", d.applied());
      }
    } catch (RuntimeException e) {
      LOG.warn("gallery outbox pass failed: {}", e.getMessage());
      ok = false;
    }
    synchronized (this) {
      delay = ok ? interval : min(delay.multipliedBy(2), maxBackoff);
    }
    schedule();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
