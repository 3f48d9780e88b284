package io.facesearch.eval;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * LFW files some people under two spellings of one name ({@code Chyung_Dai-chul} / {@code Dai_Chul_Chyung},
 * {@code Hasan_Wirayuda} / {@code Hassan_Wirajuda}, {@code Bill_Pryor} / {@code William_Pryor_Jr}). Pairs of such
 * "two people" are mostly one person, so counting them as impostors makes the false-match rate at high thresholds
 * pessimistic. Two names are taken as variants of one name, from the names alone (never from the faces), when the
 * tokens of one are all among the other's, or when their surnames (last token, suffixes such as Jr dropped) are
 * within two letter edits and so are their first names (after a few common nicknames).
 */
public final class NameVariants {

  private static final List<String> SUFFIXES = List.of("jr", "sr", "ii", "iii", "iv");
  private static final Map<String, String> NICKNAMES =
      Map.of(
          "bill", "william", "bob", "robert", "jim", "james", "mike", "michael", "tom", "thomas",
          "dick", "richard", "ted", "edward", "tony", "anthony");

  private NameVariants() {}

  /** True when two LFW folder names ({@code First_Middle_Last}) may name one person. */
  public static boolean sameName(String a, String b) {
    List<String> ta = tokens(a);
    List<String> tb = tokens(b);
    if (ta.isEmpty() || tb.isEmpty()) {
      return false;
    }
    if (ta.containsAll(tb) || tb.containsAll(ta)) {
      return true;
    }
    String lastA = ta.getLast();
    String lastB = tb.getLast();
    return lastA.length() >= 4
        && lastB.length() >= 4
        && edits(lastA, lastB) <= 2
        && edits(first(ta), first(tb)) <= 2;
  }

  private static String first(List<String> tokens) {
    return NICKNAMES.getOrDefault(tokens.getFirst(), tokens.getFirst());
  }

  private static List<String> tokens(String name) {
    return Arrays.stream(name.toLowerCase(Locale.ROOT).split("[_\\s-]+"))
        .filter(t -> !t.isEmpty() && !SUFFIXES.contains(t))
        .toList();
  }

  /** Levenshtein distance. */
  static int edits(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
