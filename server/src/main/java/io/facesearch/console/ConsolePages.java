package io.facesearch.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facesearch.accounts.AccountStore;
import io.facesearch.accounts.AppSettings;
import io.facesearch.accounts.Application;
import io.facesearch.billing.Credits;
import io.facesearch.billing.OperatorApproval;
import io.facesearch.console.ConsoleGuard.Viewer;
import io.facesearch.image.BgrImage;
import io.facesearch.image.ImageDecoder;
import io.facesearch.image.ImageRejectedException;
import io.facesearch.lists.FaceLists;
import io.facesearch.search.FaceSearchService;
import io.facesearch.search.GallerySearch;
import io.facesearch.search.MatchThreshold;
import io.facesearch.search.SearchType;
import io.facesearch.services.Services;
import io.facesearch.sessions.Session;
import io.facesearch.sessions.SessionReview;
import io.facesearch.sessions.SessionStatus;
import io.facesearch.sessions.SessionType;
import io.facesearch.webhooks.Webhooks;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The console's pages and actions. Each reads or changes only the signed-in organization's application. */
final class ConsolePages {

  static final int PAGE_SIZE = 20;
  static final int USAGE_DAYS = 14;
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Services s;
  private final ConsoleGuard guard;
  private final ConsoleData data;
  private final Clock clock;
  private final ImageDecoder decoder = new ImageDecoder();

  /**
   * New API keys waiting to be shown once (Post/Redirect/Get, so that reloading the page cannot create another):
   * the POST keeps the key under a random token for {@link #FRESH_KEY_LIFETIME}, the GET it redirects to takes it.
   */
  private final Map<String, FreshKey> freshKeys = new ConcurrentHashMap<>();

  private static final Duration FRESH_KEY_LIFETIME = Duration.ofMinutes(5);

  private record FreshKey(String applicationId, String key, Instant until) {}

  ConsolePages(Services s, ConsoleGuard guard, ConsoleData data, Clock clock) {
    this.s = s;
    this.guard = guard;
    this.data = data;
    this.clock = clock;
  }

  // ---- sessions ---------------------------------------------------------------------------------

  void sessions(Context ctx, Viewer v) {
    SessionStatus status = SessionStatus.fromWire(ctx.queryParam("status"));
    int page = Math.max(1, parseInt(ctx.queryParam("page"), 1));
    SessionReview.Filter which = new SessionReview.Filter(status, null, null, null, null);
    SessionReview.Page p = s.review().list(v.app(), which, page, PAGE_SIZE);
    long lastPage = Math.max(1, (p.total() + PAGE_SIZE - 1) / PAGE_SIZE);
    if (page > lastPage) { // past the end (an old link, a typed number): the last page
      page = (int) lastPage;
      p = s.review().list(v.app(), which, page, PAGE_SIZE);
    }
    List<Views.SessionRow> rows =
        p.sessions().stream()
            .map(
                x ->
                    new Views.SessionRow(
                        x.id(),
                        x.sessionNumber(),
                        x.status().wireName(),
                        statusClass(x.status()),
                        x.vendorData(),
                        DATE.format(x.createdAt()),
                        typeName(x.type()),
                        x.imageFile() == null ? null : s.urls().sign(v.app().id(), x.id())))
            .toList();
    int pages = (int) Math.max(1, (p.total() + PAGE_SIZE - 1) / PAGE_SIZE);
    String filter =
        status == null
            ? ""
            : "status=" + URLEncoder.encode(status.wireName(), StandardCharsets.UTF_8) + "&";
    guard.render(
        ctx,
        "sessions.jte",
        new Views.SessionsPage(
            guard.frame(ctx, v, "Sessions", "sessions"),
            rows,
            statuses(status),
            p.total(),
            page,
            pages,
            page > 1 ? "/console/sessions?" + filter + "page=" + (page - 1) : null,
            page < pages ? "/console/sessions?" + filter + "page=" + (page + 1) : null));
  }

  void session(Context ctx, Viewer v) throws IOException {
    Optional<Session> found = s.review().find(v.app(), ctx.pathParam("id"));
    if (found.isEmpty()) {
      guard.notFound(ctx, v);
      return;
    }
    Session x = found.get();
    List<Views.WarningView> warnings = new ArrayList<>();
    List<Views.MatchView> matches = new ArrayList<>();
    String decision = x.status().wireName();
    if (x.decisionJson() != null) {
      JsonNode saved = JSON.readTree(x.decisionJson());
      JsonNode fs =
          saved.path("face_search"); // or a saved companion call's object, which has no matches
      for (String companion : List.of("face_match", "liveness", "age_estimation")) {
        fs = fs.isMissingNode() ? saved.path(companion) : fs;
      }
      decision = fs.path("status").asText(decision);
      for (JsonNode w : fs.path("warnings")) {
        warnings.add(
            new Views.WarningView(w.path("risk").asText(), w.path("short_description").asText("")));
      }
      for (JsonNode m : fs.path("matches")) {
        String id = m.path("session_id").asText();
        boolean listed = "list_entry".equals(m.path("source").asText());
        Optional<Session> other = listed ? Optional.empty() : find(v.app(), id);
        matches.add(
            new Views.MatchView(
                id,
                m.path("session_number").asLong(),
                String.format(Locale.ROOT, "%.1f%%", m.path("similarity_percentage").asDouble()),
                other
                    .filter(o -> o.imageFile() != null)
                    .map(o -> s.urls().sign(v.app().id(), o.id()))
                    .orElse(null),
                listed ? "listed" : other.map(o -> o.status().wireName()).orElse("erased"),
                listed
                    ? m.path("is_blocklisted").asBoolean()
                    : other.isPresent() && data.blocklisted(s.faces(), id),
                other.isPresent(),
                listed ? "list entry" : "Session " + m.path("session_number").asLong()));
      }
    }
    guard.render(
        ctx,
        "session.jte",
        new Views.SessionPage(
            guard.frame(ctx, v, "Session " + x.sessionNumber(), "sessions"),
            x.id(),
            x.sessionNumber(),
            x.status().wireName(),
            statusClass(x.status()),
            typeName(x.type()),
            x.vendorData(),
            DATE.format(x.createdAt()),
            x.imageFile() == null ? null : s.urls().sign(v.app().id(), x.id()),
            decision,
            x.statusReason(),
            data.blocklisted(s.faces(), x.id()),
            data.hasFace(s.faces(), x.id()),
            warnings,
            matches,
            statuses(x.status())));
  }

  void updateStatus(Context ctx, Viewer v) {
    SessionStatus status = SessionStatus.fromWire(ctx.formParam("status"));
    String reason = trim(ctx.formParam("reason"), 1000);
    if (status == null
        || s.review().updateStatus(v.app(), ctx.pathParam("id"), status, reason).isEmpty()) {
      guard.notFound(ctx, v);
      return;
    }
    ConsoleGuard.redirect(ctx, "/console/sessions/" + ctx.pathParam("id") + "?done=status");
  }

  void blocklist(Context ctx, Viewer v) {
    boolean add = "add".equals(ctx.formParam("action"));
    String done =
        switch (s.review().setBlocklisted(v.app(), ctx.pathParam("id"), add)) {
          case NO_SUCH_SESSION -> null;
          case NO_FACE -> "nofacetoblock";
          case DONE -> add ? "blocklisted" : "unblocklisted";
        };
    if (done == null) {
      guard.notFound(ctx, v);
      return;
    }
    ConsoleGuard.redirect(ctx, "/console/sessions/" + ctx.pathParam("id") + "?done=" + done);
  }

  void delete(Context ctx, Viewer v) {
    if ("yes".equals(ctx.formParam("confirm"))) {
      s.lists()
          .keepBlocklistedFace(
              v.app(), ctx.pathParam("id")); // as the API's delete: the face stays blocked
    }
    if (!"yes".equals(ctx.formParam("confirm"))
        || !s.review().erase(v.app(), ctx.pathParam("id"))) {
      guard.notFound(ctx, v);
      return;
    }
    ConsoleGuard.redirect(ctx, "/console/sessions?done=deleted");
  }

  // ---- lists ------------------------------------------------------------------------------------

  void lists(Context ctx, Viewer v) {
    List<Views.ListView> lists =
        s.lists().lists(v.app()).stream()
            .map(
                l ->
                    new Views.ListView(
                        l.id(),
                        l.name(),
                        l.type().wireName(),
                        l.entries(),
                        s.lists().entries(v.app(), l.id()).stream()
                            .limit(100)
                            .map(
                                e ->
                                    new Views.EntryView(
                                        e.id(),
                                        e.comment(),
                                        DATE.format(e.createdAt()),
                                        s.urls()
                                            .sign(
                                                v.app().id(),
                                                e.imageId() == null ? e.id() : e.imageId())))
                            .toList()))
            .toList();
    guard.render(
        ctx, "lists.jte", new Views.ListsPage(guard.frame(ctx, v, "Lists", "lists"), lists));
  }

  void createList(Context ctx, Viewer v) {
    String name = trim(ctx.formParam("name"), 200);
    FaceLists.ListType type =
        FaceLists.ListType.fromWire(Optional.ofNullable(ctx.formParam("type")).orElse(""));
    if (name == null || type == null) {
      ConsoleGuard.redirect(ctx, "/console/lists?done=badlist");
      return;
    }
    s.lists().create(v.app(), name, type);
    ConsoleGuard.redirect(ctx, "/console/lists?done=list");
  }

  void uploadFace(Context ctx, Viewer v) throws IOException {
    String listId = ctx.pathParam("id");
    if (s.lists().find(v.app(), listId).isEmpty()) {
      guard.notFound(ctx, v);
      return;
    }
    UploadedFile file = ctx.uploadedFile("image");
    if (file == null || file.size() > ImageDecoder.DEFAULT_MAX_BYTES) {
      ConsoleGuard.redirect(ctx, "/console/lists?done=badimage");
      return;
    }
    BgrImage image;
    try (InputStream in = file.content()) {
      image = decoder.decode(in.readAllBytes());
    } catch (ImageRejectedException e) {
      ConsoleGuard.redirect(ctx, "/console/lists?done=badimage");
      return;
    }
    try {
      s.lists().addFace(v.app(), listId, image, trim(ctx.formParam("comment"), 1000));
      ConsoleGuard.redirect(ctx, "/console/lists?done=face");
    } catch (FaceSearchService.FaceCountException e) {
      ConsoleGuard.redirect(
          ctx, "/console/lists?done=" + (e.faces() == 0 ? "noface" : "manyfaces"));
    }
  }

  void removeEntry(Context ctx, Viewer v) {
    if (!s.lists().removeEntry(v.app(), ctx.pathParam("id"), ctx.pathParam("entry"))) {
      guard.notFound(ctx, v);
      return;
    }
    ConsoleGuard.redirect(ctx, "/console/lists?done=entry");
  }

  // ---- settings ---------------------------------------------------------------------------------

  void settings(Context ctx, Viewer v) {
    guard.render(ctx, "settings.jte", settingsPage(ctx, v, v.app().settings(), List.of()));
  }

  void saveSettings(Context ctx, Viewer v) {
    List<String> errors = new ArrayList<>();
    // An empty similarity threshold: it follows the number of candidate faces (the default).
    double threshold =
        typed(ctx, "similarity_threshold").isBlank()
            ? AppSettings.AUTOMATIC
            : number(ctx, "similarity_threshold", 100, false, errors);
    // An empty target keeps the current one.
    double targetPercent =
        typed(ctx, "target_review_percent").isBlank()
            ? v.app().settings().targetReviewRate() * 100
            : number(ctx, "target_review_percent", 50, false, errors);
    if (targetPercent < 0.01) {
      errors.add("target_review_percent: a number from 0.01 to 50 is required.");
    }
    AppSettings next =
        new AppSettings(
            threshold,
            ctx.formParam("allow_multiple_faces") != null,
            ctx.formParam("search_api_sessions") != null,
            ctx.formParam("auto_blocklist_declined") != null,
            (int) number(ctx, "retention_days", 36500, true, errors),
            number(ctx, "face_match_decline_threshold", 100, false, errors),
            number(ctx, "liveness_decline_threshold", 100, false, errors),
            number(ctx, "age_decline_threshold", 150, false, errors),
            targetPercent / 100.0,
            ctx.formParam("search_unapproved_sessions") != null);
    String url = trim(ctx.formParam("webhook_url"), Integer.MAX_VALUE);
    String secret = trim(ctx.formParam("webhook_secret"), Integer.MAX_VALUE);
    if (url != null && url.length() > 2000) {
      errors.add("Webhook URL: at most 2,000 characters.");
    } else if (secret != null && secret.length() > 500) {
      errors.add("Webhook secret: at most 500 characters.");
    } else if (url != null && !validWebhookUrl(url)) {
      errors.add("Webhook URL: an http(s) URL is required.");
    } else if (url != null) {
      String problem = s.webhooks().targetProblem(v.app().id(), url);
      if (problem != null) {
        errors.add("Webhook URL: must be a public address (" + problem + ").");
      }
    }
    if (url != null
        && (secret != null
            ? secret.length() < Webhooks.MIN_SECRET_LENGTH
            : !s.webhooks().hasSecret(v.app().id()))) {
      errors.add(
          "Webhook secret: at least " + Webhooks.MIN_SECRET_LENGTH + " characters are required.");
    }
    if (!errors
        .isEmpty()) { // shown again as typed, so that a second Save cannot store a replaced value
      ctx.status(400);
      guard.render(
          ctx,
          "settings.jte",
          new Views.SettingsPage(
              guard.frame(ctx, v, "Settings", "settings"),
              v.app().name(),
              typed(ctx, "similarity_threshold"),
              typed(ctx, "target_review_percent"),
              effective(v, v.app().settings()),
              next.allowMultipleFaces(),
              next.searchApiSessions(),
              next.searchUnapprovedSessions(),
              next.autoBlocklistDeclined(),
              typed(ctx, "face_match_decline_threshold"),
              typed(ctx, "liveness_decline_threshold"),
              typed(ctx, "age_decline_threshold"),
              typed(ctx, "retention_days"),
              typed(ctx, "webhook_url"),
              errors));
      return;
    }
    s.accounts().updateSettings(v.app().id(), next);
    String current = s.webhooks().url(v.app().id());
    if (url == null && current != null) {
      s.webhooks().remove(v.app().id());
    } else if (url != null && (secret != null || !url.equals(current))) {
      s.webhooks().configure(v.app().id(), url, secret);
    }
    ConsoleGuard.redirect(ctx, "/console/settings?done=saved");
  }

  private Views.SettingsPage settingsPage(
      Context ctx, Viewer v, AppSettings a, List<String> errors) {
    return new Views.SettingsPage(
        guard.frame(ctx, v, "Settings", "settings"),
        v.app().name(),
        a.operatorThreshold() ? plain(a.similarityThreshold()) : "",
        plain(a.targetReviewRate() * 100),
        effective(v, a),
        a.allowMultipleFaces(),
        a.searchApiSessions(),
        a.searchUnapprovedSessions(),
        a.autoBlocklistDeclined(),
        plain(a.faceMatchDeclineThreshold()),
        plain(a.livenessDeclineThreshold()),
        plain(a.ageDeclineThreshold()),
        Integer.toString(a.retentionDays()),
        Optional.ofNullable(s.webhooks().url(v.app().id())).orElse(""),
        errors);
  }

  /** The threshold a search would use now, and the share of new people it is expected to send to review. */
  private Views.EffectiveThreshold effective(Viewer v, AppSettings a) {
    MatchThreshold t =
        new GallerySearch(s.gallery()).threshold(v.app().id(), a, SearchType.MOST_SIMILAR);
    return new Views.EffectiveThreshold(
        String.format(Locale.ROOT, "%.1f", t.percentage()),
        t.operatorSet() ? "set by you" : "follows the gallery",
        String.format(Locale.ROOT, "%,d", t.candidateFaces()),
        String.format(Locale.ROOT, "%.2f %%", t.expectedReviewRate() * 100));
  }

  private static String typed(Context ctx, String field) {
    return Optional.ofNullable(ctx.formParam(field)).orElse("");
  }

  // ---- API keys ---------------------------------------------------------------------------------

  void keys(Context ctx, Viewer v) {
    String token = ctx.queryParam("new");
    FreshKey fresh = token == null ? null : freshKeys.remove(token);
    String shown =
        fresh != null
                && fresh.applicationId().equals(v.app().id())
                && fresh.until().isAfter(clock.instant())
            ? fresh.key()
            : null;
    guard.render(ctx, "keys.jte", keysPage(ctx, v, shown));
  }

  void createKey(Context ctx, Viewer v) {
    AccountStore.NewKey key = s.accounts().createKey(v.app().id());
    Instant now = clock.instant();
    freshKeys.values().removeIf(f -> f.until().isBefore(now));
    String token = ConsoleAuth.random(24);
    freshKeys.put(token, new FreshKey(v.app().id(), key.key(), now.plus(FRESH_KEY_LIFETIME)));
    ConsoleGuard.redirect(ctx, "/console/keys?new=" + token);
  }

  void revokeKey(Context ctx, Viewer v) {
    String id = ctx.pathParam("id");
    if (data.keys(v.app().id()).stream().noneMatch(k -> k.id().equals(id))) {
      guard.notFound(ctx, v);
      return;
    }
    s.accounts().revokeKey(id);
    ConsoleGuard.redirect(ctx, "/console/keys?done=revoked");
  }

  private Views.KeysPage keysPage(Context ctx, Viewer v, String newKey) {
    List<Views.KeyView> keys =
        data.keys(v.app().id()).stream()
            .map(
                k ->
                    new Views.KeyView(
                        k.id(),
                        k.prefix(),
                        DATE.format(k.createdAt()),
                        k.revokedAt() == null ? null : DATE.format(k.revokedAt()),
                        k.active()))
            .toList();
    return new Views.KeysPage(guard.frame(ctx, v, "API keys", "keys"), keys, newKey);
  }

  // ---- credits ----------------------------------------------------------------------------------

  void credits(Context ctx, Viewer v) {
    String org = v.app().organizationId();
    List<Credits.Entry> ledger = new ArrayList<>(s.credits().ledger(org));
    java.util.Collections.reverse(ledger);
    List<Views.LedgerView> lines =
        ledger.stream()
            .limit(100)
            .map(
                e ->
                    new Views.LedgerView(
                        DATE.format(e.createdAt()),
                        e.amount(),
                        e.kind(),
                        Optional.ofNullable(e.endpoint()).orElse("")))
            .toList();
    List<Views.TopUpView> own = s.topUps().list(org).stream().map(ConsolePages::topUp).toList();
    List<Views.TopUpView> pending =
        v.operator()
            ? s.topUps().list(null).stream()
                .filter(t -> t.status().equals("pending"))
                .map(ConsolePages::topUp)
                .toList()
            : List.of();
    guard.render(
        ctx,
        "credits.jte",
        new Views.CreditsPage(
            guard.frame(ctx, v, "Credits", "credits"),
            s.credits().balance(org),
            s.credits().metered(org),
            lines,
            own,
            pending));
  }

  void approveTopUp(Context ctx, Viewer v) {
    if (!v.operator()) {
      ctx.status(403)
          .contentType("text/plain; charset=utf-8")
          .result("Only the operator approves top-ups.");
      return;
    }
    if (!s.topUps().confirm(ctx.pathParam("id"))) {
      guard.notFound(ctx, v);
      return;
    }
    ConsoleGuard.redirect(ctx, "/console/credits?done=approved");
  }

  private static Views.TopUpView topUp(OperatorApproval.TopUp t) {
    return new Views.TopUpView(
        t.id(),
        t.organizationId(),
        t.amountInDollars(),
        t.credits(),
        t.status(),
        DATE.format(t.createdAt()));
  }

  // ---- usage ------------------------------------------------------------------------------------

  void usage(Context ctx, Viewer v) {
    Map<LocalDate, Long> perDay = data.searchesPerDay(v.app().id(), USAGE_DAYS);
    long max = Math.max(1, perDay.values().stream().mapToLong(Long::longValue).max().orElse(1));
    List<Views.DayBar> bars = new ArrayList<>();
    int i = 0;
    for (Map.Entry<LocalDate, Long> e : perDay.entrySet()) {
      int h = (int) Math.round(150.0 * e.getValue() / max);
      bars.add(
          new Views.DayBar(
              e.getKey().toString().substring(5), e.getValue(), 10 + i * 40, 160 - h, h));
      i++;
    }
    Map<String, Long> share = data.statusShare(v.app().id());
    long total = share.values().stream().mapToLong(Long::longValue).sum();
    List<Views.ShareSlice> slices = new ArrayList<>();
    int x = 0;
    for (SessionStatus st :
        List.of(SessionStatus.APPROVED, SessionStatus.IN_REVIEW, SessionStatus.DECLINED)) {
      long n = share.getOrDefault(st.wireName(), 0L);
      int w = total == 0 ? 0 : (int) Math.round(1000.0 * n / total);
      slices.add(
          new Views.ShareSlice(
              st.wireName(),
              statusClass(st),
              n,
              total == 0 ? "0%" : String.format(Locale.ROOT, "%.0f%%", 100.0 * n / total),
              x,
              w));
      x += w;
    }
    guard.render(
        ctx,
        "usage.jte",
        new Views.UsagePage(guard.frame(ctx, v, "Usage", "usage"), bars, max, slices, total));
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private Optional<Session> find(Application app, String sessionId) {
    return s.review().find(app, sessionId);
  }

  private static List<Views.StatusOption> statuses(SessionStatus selected) {
    return Arrays.stream(SessionStatus.values())
        .map(x -> new Views.StatusOption(x.wireName(), x == selected))
        .toList();
  }

  static String statusClass(SessionStatus s) {
    return switch (s) {
      case APPROVED -> "approved";
      case IN_REVIEW -> "review";
      case DECLINED -> "declined";
    };
  }

  private static String typeName(SessionType t) {
    return switch (t) {
      case API -> "API search";
      case ENROLLED -> "Enrolled";
    };
  }

  /** A number from 0 to {@code max} written plainly ({@code 70}, {@code 70.5}; whole when {@code whole}). */
  private static double number(
      Context ctx, String field, double max, boolean whole, List<String> errors) {
    String raw = typed(ctx, field).strip();
    if (raw.matches(whole ? "\\d{1,9}" : "\\d{1,9}(\\.\\d{1,6})?")) {
      double d = Double.parseDouble(raw);
      if (d <= max) {
        return d;
      }
    }
    errors.add(
        field
            + ": "
            + (whole ? "a whole number" : "a number")
            + " from 0 to "
            + plain(max)
            + " is required.");
    return 0;
  }

  private static boolean validWebhookUrl(String url) {
    try {
      URI u = URI.create(url);
      return ("https".equals(u.getScheme()) || "http".equals(u.getScheme())) && u.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String plain(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private static int parseInt(String s, int fallback) {
    try {
      return s == null ? fallback : Integer.parseInt(s.strip());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private static String trim(String s, int max) {
    if (s == null || s.isBlank()) {
      return null;
    }
    String t = s.strip();
    return t.length() > max ? t.substring(0, max) : t;
  }
}
