package io.facesearch.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a running server process (Linux {@code /proc}, and the JDK's {@code jcmd} for the heap after a full GC).
 * Every figure is -1 when it cannot be read.
 */
public record ServerProcess(long pid) {

  private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total.*?used (\\d+)K");

  public static ServerProcess of(long pid) {
    return new ServerProcess(pid);
  }

  public double rssMb() {
    return statusField("VmRSS") / 1024.0;
  }

  public int threads() {
    return (int) statusField("Threads");
  }

  public int fds() {
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return (int) fds.count();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Runs a full GC in the server ({@code jcmd PID GC.run}), then reads the heap in use. */
  public double heapAfterGcMb() {
    if (jcmd("GC.run") == null) {
      return -1;
    }
    String info = jcmd("GC.heap_info");
    if (info == null) {
      return -1;
    }
    Matcher m = HEAP_USED.matcher(info);
    return m.find() ? Long.parseLong(m.group(1)) / 1024.0 : -1;
  }

  private long statusField(String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(name + ":")) {
          return Long.parseLong(line.substring(name.length() + 1).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // process gone
    }
    return -1;
  }

  private String jcmd(String command) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Process p =
          new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return null;
      }
      return out;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
