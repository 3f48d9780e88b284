package io.facesearch.eval;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * LFW files some people under two spellings of one name (with and without a middle name, a second surname or an
 * initial). Pairs of such "two people" are mostly one person, so counting them as impostors makes the false-match
 * rate at high thresholds pessimistic. Two LFW names are taken as variants of one name when the tokens of one are
 * all in the other, or when they share the last token and the first tokens agree on their first letter and one
 * of them has a token the other lacks (a middle name or initial).
 */
public final class NameVariants {

  private NameVariants() {}

  /** True when two LFW folder names ({@code First_Middle_Last}) may name one person. */
  public static boolean sameName(String a, String b) {
    List<String> ta = tokens(a);
    List<String> tb = tokens(b);
    if (ta.containsAll(tb) || tb.containsAll(ta)) {
      return true;
    }
    return ta.getLast().equals(tb.getLast()) && ta.getFirst().charAt(0) == tb.getFirst().charAt(0)
        && ta.size() != tb.size();
  }

  private static List<String> tokens(String name) {
    return Arrays.stream(name.toLowerCase(Locale.ROOT).split("[_\\s-]+")).filter(t -> !t.isEmpty()).toList();
  }
}
