package io.facesearch.api;

import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Didit's (Django REST framework's) limit/offset pagination: {@code ?limit=&offset=} in, {@code {count, next,
 * previous, results}} out, where {@code next} and {@code previous} are absolute URLs of the neighbouring pages (null
 * at the ends) with the request's other query parameters kept.
 */
final class Pagination {

  /** The largest {@code limit} accepted. */
  static final int MAX_LIMIT = 1000;

  /** One page's answer. */
  record PageJson<T>(long count, String next, String previous, List<T> results) {}

  /** The requested window. */
  record Window(int limit, int offset) {}

  private Pagination() {}

  static Window window(Context ctx, int defaultLimit) {
    return new Window(
        number(ctx, "limit", defaultLimit, 1, MAX_LIMIT),
        number(ctx, "offset", 0, 0, Integer.MAX_VALUE));
  }

  /** A page of an in-memory list (default limit 25, as Didit's lists). */
  static <T> PageJson<T> page(Context ctx, List<T> all) {
    Window w = window(ctx, 25);
    int from = (int) Math.min(all.size(), (long) w.offset());
    int to = (int) Math.min(all.size(), (long) from + w.limit());
    return page(ctx, w, all.size(), all.subList(from, to));
  }

  /** The answer for {@code results}, the window {@code w} of {@code count} items. */
  static <T> PageJson<T> page(Context ctx, Window w, long count, List<T> results) {
    String next =
        w.offset() + w.limit() < count ? url(ctx, w.limit(), w.offset() + w.limit()) : null;
    String previous =
        w.offset() <= 0 ? null : url(ctx, w.limit(), Math.max(0, w.offset() - w.limit()));
    return new PageJson<>(count, next, previous, results);
  }

  private static String url(Context ctx, int limit, int offset) {
    String host = ctx.header("Host");
    String base =
        ctx.scheme() + "://" + (host == null || host.isBlank() ? ctx.host() : host) + ctx.path();
    String others =
        ctx.queryParamMap().entrySet().stream()
            .filter(e -> !e.getKey().equals("limit") && !e.getKey().equals("offset"))
            .flatMap(e -> e.getValue().stream().map(v -> encode(e.getKey()) + "=" + encode(v)))
            .collect(Collectors.joining("&"));
    return base
        + "?"
        + (others.isEmpty() ? "" : others + "&")
        + "limit="
        + limit
        + (offset > 0 ? "&offset=" + offset : "");
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static int number(Context ctx, String name, int fallback, int min, int max) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    try {
      int v = Integer.parseInt(raw.strip());
      if (v < min) {
        throw ApiException.invalidField(
            name, "Ensure this value is greater than or equal to " + min + ".");
      }
      return Math.min(v, max);
    } catch (NumberFormatException e) {
      throw ApiException.invalidField(name, "A valid integer is required.");
    }
  }
}
