package io.facesearch.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared face photos ({@code ../shared/data}, see its SOURCES.md), read in place and never copied into
 * the repository. The build passes the folder as the system property {@code facesearch.testdata}.
 */
public final class TestData {

  private TestData() {}

  public static Path root() {
    Path root =
        Path.of(System.getProperty("facesearch.testdata", "../shared/data"))
            .toAbsolutePath()
            .normalize();
    if (!Files.isRegularFile(root.resolve("edge_cases.csv"))) {
      throw new IllegalStateException(
          "shared test photos not found at "
              + root
              + " (expected ../shared/data beside the repository; set -Dfacesearch.testdata)");
    }
    return root;
  }

  public static Path file(String relative) {
    return root().resolve(relative);
  }

  public static byte[] bytes(String relative) {
    try {
      return Files.readAllBytes(file(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One row of edge_cases.csv. */
  public record EdgeCase(String path, List<String> tags, String identity, String note) {}

  /** The rows of edge_cases.csv carrying {@code tag}. */
  public static List<EdgeCase> edgeCases(String tag) {
    List<EdgeCase> rows = new ArrayList<>();
    try {
      List<String> lines = Files.readAllLines(file("edge_cases.csv"));
      for (String line : lines.subList(1, lines.size())) {
        List<String> cols = splitCsv(line);
        List<String> tags = List.of(cols.get(1).split(";"));
        if (tags.contains(tag)) {
          rows.add(
              new EdgeCase(
                  cols.get(0),
                  tags,
                  cols.size() > 2 ? cols.get(2) : "",
                  cols.size() > 3 ? cols.get(3) : ""));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  private static List<String> splitCsv(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (char c : line.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }
}
