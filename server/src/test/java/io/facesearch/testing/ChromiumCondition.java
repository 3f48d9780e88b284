package io.facesearch.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a browser test class only where the system Chromium and its chromedriver are installed: elsewhere the class is
 * reported as skipped with a loud notice, and under CI ({@code CI=true}) it fails instead (see {@link OptionalTool}).
 * {@code -Dfacesearch.chromium=/nowhere} (or {@code -Dfacesearch.chromedriver=...}) simulates a machine without them.
 */
public final class ChromiumCondition implements ExecutionCondition {

  public static Path driver() {
    return Path.of(System.getProperty("facesearch.chromedriver", "/usr/bin/chromedriver"));
  }

  public static Path chromium() {
    return Path.of(System.getProperty("facesearch.chromium", "/usr/bin/chromium"));
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (Files.isExecutable(driver()) && Files.isExecutable(chromium())) {
      return ConditionEvaluationResult.enabled("Chromium and chromedriver are installed");
    }
    String notice =
        "Chromium ("
            + chromium()
            + ") or chromedriver ("
            + driver()
            + ") is not installed: the browser "
            + "test is skipped; install Debian's chromium and chromium-driver (.ci/run does)";
    if (OptionalTool.underCi()) {
      throw new IllegalStateException("CI must run every test, but " + notice);
    }
    OptionalTool.notice(notice);
    return ConditionEvaluationResult.disabled("SKIPPED: " + notice);
  }
}
