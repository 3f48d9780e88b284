package io.facesearch.imports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What {@code facesearch import} reads: a folder of photos (every .jpg, .jpeg, .png, .webp, .tif, .tiff
 * below it; vendor_data = the path relative to the folder), or a CSV with a header row and the columns
 * {@code path} (required, relative to the CSV's folder or absolute), {@code vendor_data}, {@code status},
 * {@code name}, {@code document_type}, {@code document_number}, {@code verification_date} (all optional).
 */
public final class ImportSource {

  private ImportSource() {}

  public static List<ImportEntry> folder(Path dir) throws IOException {
    List<ImportEntry> entries = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p :
          files.filter(Files::isRegularFile).filter(ImportSource::isPhoto).sorted().toList()) {
        String key = dir.relativize(p).toString().replace('\\', '/');
        entries.add(new ImportEntry(key, p, key, null, null, null, null, null));
      }
    }
    return entries;
  }

  public static List<ImportEntry> csv(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    if (lines.isEmpty()) {
      return List.of();
    }
    String first = lines.getFirst();
    if (first.startsWith("\uFEFF")) { // the byte-order mark Excel writes before UTF-8 CSV
      first = first.substring(1);
    }
    List<String> header =
        split(first).stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
    if (!header.contains("path")) {
      throw new IOException(file + ": the header has no 'path' column");
    }
    Path base = file.toAbsolutePath().getParent();
    List<ImportEntry> entries = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      List<String> cols = split(lines.get(i));
      Map<String, String> row = new HashMap<>();
      for (int c = 0; c < header.size() && c < cols.size(); c++) {
        row.put(header.get(c), cols.get(c).isEmpty() ? null : cols.get(c));
      }
      String path = row.get("path");
      if (path == null) {
        throw new IOException(file + " line " + (i + 1) + ": empty path");
      }
      entries.add(
          new ImportEntry(
              path,
              base.resolve(path),
              row.get("vendor_data"),
              row.get("status"),
              row.get("name"),
              row.get("document_type"),
              row.get("document_number"),
              date(row.get("verification_date"), file, i + 1)));
    }
    return entries;
  }

  private static Instant date(String raw, Path file, int line) throws IOException {
    if (raw == null) {
      return null;
    }
    try {
      return raw.length() == 10
          ? LocalDate.parse(raw).atStartOfDay(ZoneOffset.UTC).toInstant()
          : OffsetDateTime.parse(raw).toInstant();
    } catch (RuntimeException e) {
      throw new IOException(file + " line " + line + ": verification_date is not ISO 8601: " + raw);
    }
  }

  private static boolean isPhoto(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".jpg")
        || n.endsWith(".jpeg")
        || n.endsWith(".png")
        || n.endsWith(".webp")
        || n.endsWith(".tif")
        || n.endsWith(".tiff");
  }

  /** RFC 4180 fields of one line (quotes, doubled quotes inside quotes). */
  static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
        cur.append('"');
        i++;
      } else if (c == '"') {
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
