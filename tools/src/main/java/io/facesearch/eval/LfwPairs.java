package io.facesearch.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A pairs file in LFW's {@code pairs.txt} format: a header {@code FOLDS<tab>N}, then per fold N same-person
 * lines {@code Name i j} followed by N different-person lines {@code Name1 i Name2 j}. Any number of folds.
 */
public record LfwPairs(int folds, List<Pair> pairs) {

  /** One pair of images; {@code fold} counts from 0. */
  public record Pair(int fold, String first, String second, boolean samePerson) {}

  public static LfwPairs read(Path file) throws IOException {
    List<String> lines =
        Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
    if (lines.isEmpty()) {
      throw new IOException("empty pairs file " + file);
    }
    String[] header = lines.getFirst().split("\\s+");
    int folds = Integer.parseInt(header[0]);
    int perFold = Integer.parseInt(header[1]);
    if (lines.size() - 1 != folds * 2 * perFold) {
      throw new IOException(
          "pairs file "
              + file
              + " announces "
              + folds
              + " folds of 2x"
              + perFold
              + " pairs but has "
              + (lines.size() - 1)
              + " lines");
    }
    List<Pair> pairs = new ArrayList<>(folds * 2 * perFold);
    for (int i = 1; i < lines.size(); i++) {
      int fold = (i - 1) / (2 * perFold);
      String[] f = lines.get(i).split("\\s+");
      if (f.length == 3) {
        pairs.add(new Pair(fold, image(f[0], f[1]), image(f[0], f[2]), true));
      } else if (f.length == 4) {
        pairs.add(new Pair(fold, image(f[0], f[1]), image(f[2], f[3]), false));
      } else {
        throw new IOException("bad line " + (i + 1) + " in " + file + ": " + lines.get(i));
      }
    }
    return new LfwPairs(folds, List.copyOf(pairs));
  }

  /** Every image named by a pair, in first-seen order, as {@code Name/Name_NNNN.jpg}. */
  public Set<String> images() {
    Set<String> images = new LinkedHashSet<>();
    for (Pair p : pairs) {
      images.add(p.first());
      images.add(p.second());
    }
    return images;
  }

  /** The person an image path belongs to (its folder). */
  public static String person(String image) {
    return image.substring(0, image.indexOf('/'));
  }

  private static String image(String name, String number) {
    return name
        + "/"
        + name
        + "_"
        + String.format(Locale.ROOT, "%04d", Integer.parseInt(number))
        + ".jpg";
  }
}
