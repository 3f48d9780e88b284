package io.facesearch.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * CPU time and run-queue wait of this process's threads, from Linux {@code /proc/self/task/<tid>/schedstat}
 * ({@code <on-cpu ns> <runnable-but-waiting ns> <timeslices>}). On a shared machine the wait is the time the
 * benchmark's threads were ready to run but every core was busy; it separates "slow" from "starved".
 *
 * <p>A snapshot counts the threads alive when it is taken; a thread that ends between two snapshots is lost, so a
 * benchmark keeps its threads alive until the second snapshot. Where schedstat is missing, snapshots are empty.
 */
public final class ThreadSchedStats {

  private static final Path TASKS = Path.of("/proc/self/task");
  private static final int MAX_THREADS = 100_000;

  private final int[] tids;
  private final long[] cpuNanos;
  private final long[] waitNanos;

  private ThreadSchedStats(int[] tids, long[] cpuNanos, long[] waitNanos) {
    this.tids = tids;
    this.cpuNanos = cpuNanos;
    this.waitNanos = waitNanos;
  }

  /** The counters of every live thread of this process, sorted by thread id. */
  public static ThreadSchedStats take() {
    int[] tids = new int[256];
    long[] cpu = new long[256];
    long[] wait = new long[256];
    int n = 0;
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
      for (Path task : tasks) {
        if (n == MAX_THREADS) {
          break;
        }
        String[] fields;
        try {
          fields = Files.readString(task.resolve("schedstat")).trim().split(" ");
        } catch (IOException | RuntimeException threadEnded) {
          continue;
        }
        if (fields.length < 2) {
          continue;
        }
        if (n == tids.length) {
          tids = Arrays.copyOf(tids, n * 2);
          cpu = Arrays.copyOf(cpu, n * 2);
          wait = Arrays.copyOf(wait, n * 2);
        }
        tids[n] = Integer.parseInt(task.getFileName().toString());
        cpu[n] = Long.parseLong(fields[0]);
        wait[n] = Long.parseLong(fields[1]);
        n++;
      }
    } catch (IOException | RuntimeException unavailable) {
      return new ThreadSchedStats(new int[0], new long[0], new long[0]);
    }
    return sorted(Arrays.copyOf(tids, n), Arrays.copyOf(cpu, n), Arrays.copyOf(wait, n));
  }

  /** Whether this system reports schedstat (false: every figure is 0). */
  public boolean available() {
    return tids.length > 0;
  }

  /** On-CPU time of all threads since {@code earlier} (threads new since then count from their start). */
  public long cpuNanosSince(ThreadSchedStats earlier) {
    return since(earlier, cpuNanos, earlier.cpuNanos);
  }

  /** Run-queue wait of all threads since {@code earlier}. */
  public long waitNanosSince(ThreadSchedStats earlier) {
    return since(earlier, waitNanos, earlier.waitNanos);
  }

  private long since(ThreadSchedStats earlier, long[] now, long[] before) {
    long sum = 0;
    for (int i = 0; i < tids.length; i++) {
      int at = Arrays.binarySearch(earlier.tids, tids[i]);
      sum += at >= 0 ? Math.max(0, now[i] - before[at]) : now[i];
    }
    return sum;
  }

  private static ThreadSchedStats sorted(int[] tids, long[] cpu, long[] wait) {
    long[] keys = new long[tids.length]; // thread id in the high half, position in the low half
    for (int i = 0; i < keys.length; i++) {
      keys[i] = ((long) tids[i] << 32) | i;
    }
    Arrays.sort(keys);
    int[] t = new int[keys.length];
    long[] c = new long[keys.length];
    long[] w = new long[keys.length];
    for (int i = 0; i < keys.length; i++) {
      int from = (int) keys[i];
      t[i] = tids[from];
      c[i] = cpu[from];
      w[i] = wait[from];
    }
    return new ThreadSchedStats(t, c, w);
  }
}
