package io.facesearch.onnx;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a measurement on a new platform thread and waits for it, so that it meets the CPU state a request thread
 * meets: ONNX Runtime sets the CPU's denormal flags on the thread that created the first session, which a
 * measurement on that thread would silently enjoy.
 */
public final class NewThread {

  private NewThread() {}

  /** Calls {@code work} on a new thread named {@code name}; its exception, if any, is rethrown here. */
  public static <T> T call(String name, Callable<T> work) throws Exception {
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Exception> failure = new AtomicReference<>();
    Thread thread =
        Thread.ofPlatform()
            .name(name)
            .start(
                () -> {
                  try {
                    result.set(work.call());
                  } catch (Exception e) {
                    failure.set(e);
                  }
                });
    thread.join();
    if (failure.get() != null) {
      throw failure.get();
    }
    return result.get();
  }
}
