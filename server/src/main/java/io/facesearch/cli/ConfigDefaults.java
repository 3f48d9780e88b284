package io.facesearch.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where option values come from when the command line does not give them, first match wins:
 * <ol>
 *   <li>the environment variable {@code FACESEARCH_<OPTION>} (option {@code --model-threads} ->
 *       {@code FACESEARCH_MODEL_THREADS});</li>
 *   <li>the key {@code <option>} ({@code model-threads}) of the properties file named by
 *       {@code FACESEARCH_CONFIG}, or of {@code ./facesearch.properties} when it exists;</li>
 *   <li>the built-in default shown by {@code --help}.</li>
 * </ol>
 */
final class ConfigDefaults implements IDefaultValueProvider {

  private final Properties file;

  ConfigDefaults(Properties file) {
    this.file = file;
  }

  static ConfigDefaults load() {
    String configured = System.getenv("FACESEARCH_CONFIG");
    Path path =
        Path.of(configured == null || configured.isBlank() ? "facesearch.properties" : configured);
    Properties props = new Properties();
    if (Files.isRegularFile(path)) {
      try (Reader r = Files.newBufferedReader(path)) {
        props.load(r);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read configuration file " + path, e);
      }
    } else if (configured != null && !configured.isBlank()) {
      throw new IllegalStateException("FACESEARCH_CONFIG names a missing file: " + path);
    }
    return new ConfigDefaults(props);
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option)
        || option.longestName().equals("--help")
        || option.longestName().equals("--version")) {
      return null;
    }
    String key = option.longestName().replaceFirst("^-+", "");
    String env = System.getenv("FACESEARCH_" + key.toUpperCase(Locale.ROOT).replace('-', '_'));
    if (env != null && !env.isBlank()) {
      return env;
    }
    return file.getProperty(key);
  }
}
