package io.facesearch.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A tool some tests need but a fresh machine may lack (Chromium, Python's {@code requests}). When it is missing the
 * test is skipped with a loud notice on the console, so a developer sees what did not run and how to get it; under CI
 * ({@code CI=true}, set by {@code .ci/run}) a missing tool fails the test instead, so CI never skips silently.
 *
 * <p>{@code -Dfacesearch.python.absent=1} simulates a machine without Python's requests; {@link ChromiumCondition}
 * does the same for the browser tests as a class condition, so that they are reported as skipped.
 */
public final class OptionalTool {

  private OptionalTool() {}

  /** True when running under CI, where every optional tool must be present. */
  public static boolean underCi() {
    return "true".equalsIgnoreCase(System.getenv("CI")) || Boolean.getBoolean("facesearch.ci");
  }

  /** Skips the calling test (or fails it under CI) unless {@code present}. */
  public static void require(boolean present, String what, String install) {
    if (present) {
      return;
    }
    String notice = what + " is not installed: " + install;
    if (underCi()) {
      fail("CI must run every test, but " + notice);
    }
    notice(notice);
    Assumptions.abort("SKIPPED: " + notice);
  }

  /** Prints a boxed {@code *** SKIPPED: ...} line on the console. */
  static void notice(String notice) {
    String bar = "*".repeat(Math.min(110, notice.length() + 20));
    System.out.println("\n" + bar + "\n*** SKIPPED: " + notice + "\n" + bar + "\n");
    System.out.flush();
  }

  /** Whether {@code python3} can import {@code module}. */
  public static boolean pythonHas(String module) {
    if (System.getProperty("facesearch.python.absent") != null) {
      return false;
    }
    try {
      Process p =
          new ProcessBuilder("python3", "-c", "import " + module).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
