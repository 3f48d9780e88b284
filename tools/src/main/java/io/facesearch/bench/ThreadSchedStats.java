package io.facesearch.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * CPU time and run-queue wait of this process's threads, from Linux {@code /proc/self/task/<tid>/schedstat}
 * ({@code <on-cpu ns> <runnable-but-waiting ns> <timeslices>}) and {@code comm} (the thread name, 15 characters).
 * On a shared machine the wait is the time the benchmark's threads were ready to run but every core was busy; it
 * separates "slow" from "starved". CPU time is split by thread role ({@link Role}).
 *
 * <p>A snapshot counts the threads alive when it is taken; a thread that ends between two snapshots is lost, so a
 * benchmark keeps its threads alive until the second snapshot. Where schedstat is missing, snapshots are empty.
 */
public final class ThreadSchedStats {

  /** What a thread does, from its name. */
  public enum Role {
    /** Jetty's request threads: the server's work on a request, pipeline included. */
    SERVER,
    /** The benchmark's client threads and the JDK HttpClient's selector and worker threads. */
    CLIENT,
    /** The JIT compilers. */
    JIT,
    /** The garbage collector. */
    GC,
    /** Everything else: main, gallery commits and merges, VM housekeeping. */
    OTHER;

    static Role of(String threadName) {
      if (threadName.startsWith("JettyServerThre") || threadName.startsWith("qtp")) {
        return SERVER;
      }
      if (threadName.startsWith("bench-client") || threadName.startsWith("HttpClient")) {
        return CLIENT;
      }
      if (threadName.startsWith("C1 Compiler") || threadName.startsWith("C2 Compiler")) {
        return JIT;
      }
      if (threadName.startsWith("GC Thread") || threadName.startsWith("G1 ")) {
        return GC;
      }
      return OTHER;
    }
  }

  /** On-CPU nanoseconds per {@link Role} between two snapshots. */
  public record CpuSplit(long server, long client, long jit, long gc, long other) {
    public long total() {
      return server + client + jit + gc + other;
    }
  }

  private static final Path TASKS = Path.of("/proc/self/task");
  private static final int MAX_THREADS = 100_000;
  private static final Role[] ROLES = Role.values();

  private final int[] tids;
  private final byte[] roles;
  private final long[] cpuNanos;
  private final long[] waitNanos;

  private ThreadSchedStats(int[] tids, byte[] roles, long[] cpuNanos, long[] waitNanos) {
    this.tids = tids;
    this.roles = roles;
    this.cpuNanos = cpuNanos;
    this.waitNanos = waitNanos;
  }

  /** The counters of every live thread of this process. */
  public static ThreadSchedStats take() {
    Builder b = new Builder();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
      for (Path task : tasks) {
        if (b.size == MAX_THREADS) {
          break;
        }
        try {
          String[] fields = Files.readString(task.resolve("schedstat")).trim().split(" ");
          String name = Files.readString(task.resolve("comm")).trim();
          b.add(
              Integer.parseInt(task.getFileName().toString()),
              Role.of(name),
              Long.parseLong(fields[0]),
              Long.parseLong(fields[1]));
        } catch (IOException | RuntimeException threadEnded) {
          // the thread ended while being read: it is not counted
        }
      }
    } catch (IOException | RuntimeException unavailable) {
      return new Builder().build();
    }
    return b.build();
  }

  /** Whether this system reports schedstat (false: every figure is 0). */
  public boolean available() {
    return tids.length > 0;
  }

  /** On-CPU time per role since {@code earlier} (threads new since then count from their start). */
  public CpuSplit cpuSince(ThreadSchedStats earlier) {
    long[] byRole = new long[ROLES.length];
    for (int i = 0; i < tids.length; i++) {
      byRole[roles[i]] += since(earlier, i, cpuNanos, earlier.cpuNanos);
    }
    return new CpuSplit(
        byRole[Role.SERVER.ordinal()],
        byRole[Role.CLIENT.ordinal()],
        byRole[Role.JIT.ordinal()],
        byRole[Role.GC.ordinal()],
        byRole[Role.OTHER.ordinal()]);
  }

  /** Run-queue wait of all threads since {@code earlier}. */
  public long waitNanosSince(ThreadSchedStats earlier) {
    long sum = 0;
    for (int i = 0; i < tids.length; i++) {
      sum += since(earlier, i, waitNanos, earlier.waitNanos);
    }
    return sum;
  }

  private long since(ThreadSchedStats earlier, int i, long[] now, long[] before) {
    int at = Arrays.binarySearch(earlier.tids, tids[i]);
    return at >= 0 ? Math.max(0, now[i] - before[at]) : now[i];
  }

  /** Collects threads in directory order and sorts them by thread id. */
  private static final class Builder {
    int[] tids = new int[256];
    byte[] roles = new byte[256];
    long[] cpu = new long[256];
    long[] wait = new long[256];
    int size;

    void add(int tid, Role role, long cpuNanos, long waitNanos) {
      if (size == tids.length) {
        tids = Arrays.copyOf(tids, size * 2);
        roles = Arrays.copyOf(roles, size * 2);
        cpu = Arrays.copyOf(cpu, size * 2);
        wait = Arrays.copyOf(wait, size * 2);
      }
      tids[size] = tid;
      roles[size] = (byte) role.ordinal();
      cpu[size] = cpuNanos;
      wait[size] = waitNanos;
      size++;
    }

    ThreadSchedStats build() {
      long[] keys = new long[size]; // thread id in the high half, position in the low half
      for (int i = 0; i < size; i++) {
        keys[i] = ((long) tids[i] << 32) | i;
      }
      Arrays.sort(keys);
      int[] t = new int[size];
      byte[] r = new byte[size];
      long[] c = new long[size];
      long[] w = new long[size];
      for (int i = 0; i < size; i++) {
        int from = (int) keys[i];
        t[i] = tids[from];
        r[i] = roles[from];
        c[i] = cpu[from];
        w[i] = wait[from];
      }
      return new ThreadSchedStats(t, r, c, w);
    }
  }
}
