package io.facesearch.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Two runs' answers to the same query photos, compared photo by photo: the first answer each run got for a photo
 * (a photo sent again within a run gets the same answer from a deployment whose gallery does not change).
 *
 * @param photos      photos answered in both runs
 * @param differences the photos whose answers differ ({@link SearchAnswer#sameAs}), by photo index
 */
public record AnswerComparison(int photos, List<Difference> differences) {

  /** One photo answered differently: the first run's answer and the second's. */
  public record Difference(int photo, SearchAnswer first, SearchAnswer second) {}

  public AnswerComparison {
    differences = List.copyOf(differences);
  }

  /** Compares {@code first} and {@code second} by photo; photos only one run sent are left out. */
  public static AnswerComparison of(List<SearchAnswer> first, List<SearchAnswer> second) {
    Map<Integer, SearchAnswer> byPhoto = firstPerPhoto(first);
    Map<Integer, SearchAnswer> other = firstPerPhoto(second);
    int photos = 0;
    List<Difference> differences = new ArrayList<>();
    for (Map.Entry<Integer, SearchAnswer> e : byPhoto.entrySet()) {
      SearchAnswer b = other.get(e.getKey());
      if (b == null) {
        continue;
      }
      photos++;
      if (!e.getValue().sameAs(b)) {
        differences.add(new Difference(e.getKey(), e.getValue(), b));
      }
    }
    differences.sort(Comparator.comparingInt(Difference::photo));
    return new AnswerComparison(photos, differences);
  }

  private static Map<Integer, SearchAnswer> firstPerPhoto(List<SearchAnswer> answers) {
    Map<Integer, SearchAnswer> byPhoto = new LinkedHashMap<>();
    for (SearchAnswer a : answers) {
      byPhoto.putIfAbsent(a.photo(), a);
    }
    return byPhoto;
  }
}
