package io.facesearch.console;

import java.util.List;

/** The view models of the console templates: plain records, already formatted for display. */
public final class Views {

  private Views() {}

  /** What every signed-in page shows around its content. */
  /** What every page shares; {@code flash} is the outcome of the last action, {@code flashIsError} its style. */
  public record Frame(
      String title,
      String nav,
      String csrf,
      String email,
      List<AppOption> apps,
      boolean operator,
      String flash,
      boolean flashIsError) {}

  public record AppOption(String id, String name, boolean selected) {}

  public record SignInPage(String csrf, String email, String error) {}

  public record ErrorPage(Frame frame, String message) {}

  public record SessionRow(
      String id,
      long number,
      String status,
      String statusClass,
      String vendorData,
      String date,
      String type,
      String thumbUrl) {}

  public record StatusOption(String value, boolean selected) {}

  public record SessionsPage(
      Frame frame,
      List<SessionRow> rows,
      List<StatusOption> statuses,
      long total,
      int page,
      int pages,
      String prevUrl,
      String nextUrl) {}

  public record WarningView(String risk, String description) {}

  /** One match; {@code label} names it where there is no session page to link to (an entry, an erased session). */
  public record MatchView(
      String sessionId,
      long number,
      String similarity,
      String imageUrl,
      String status,
      boolean blocklisted,
      boolean linkable,
      String label) {}

  public record SessionPage(
      Frame frame,
      String id,
      long number,
      String status,
      String statusClass,
      String type,
      String vendorData,
      String date,
      String imageUrl,
      String decision,
      String reason,
      boolean blocklisted,
      boolean hasFace,
      List<WarningView> warnings,
      List<MatchView> matches,
      List<StatusOption> statuses) {}

  public record EntryView(String id, String comment, String date, String imageUrl) {}

  public record ListView(
      String id, String name, String type, long count, List<EntryView> entries) {}

  public record ListsPage(Frame frame, List<ListView> lists) {}

  /** The match threshold a search uses now: percentage, where it comes from, candidate faces, expected review rate. */
  public record EffectiveThreshold(
      String percentage, String origin, String candidateFaces, String expectedReviewRate) {}

  public record SettingsPage(
      Frame frame,
      String applicationName,
      String similarityThreshold,
      String targetReviewPercent,
      EffectiveThreshold effective,
      boolean allowMultipleFaces,
      boolean searchApiSessions,
      boolean searchUnapprovedSessions,
      boolean autoBlocklistDeclined,
      String faceMatchDeclineThreshold,
      String livenessDeclineThreshold,
      String ageDeclineThreshold,
      String retentionDays,
      String webhookUrl,
      List<String> errors) {}

  public record KeyView(String id, String prefix, String created, String revoked, boolean active) {}

  public record KeysPage(Frame frame, List<KeyView> keys, String newKey) {}

  public record LedgerView(String date, long amount, String kind, String detail) {}

  public record TopUpView(
      String id, String organization, long dollars, long credits, String status, String date) {}

  public record CreditsPage(
      Frame frame,
      long balance,
      boolean metered,
      List<LedgerView> ledger,
      List<TopUpView> topUps,
      List<TopUpView> pendingForOperator) {}

  /** One bar of the per-day chart, in SVG user units. */
  public record DayBar(String day, long count, int x, int y, int height) {}

  /** One part of the status share bar, in SVG user units (x and width out of 1000). */
  public record ShareSlice(
      String status, String statusClass, long count, String percent, int x, int width) {}

  public record UsagePage(
      Frame frame, List<DayBar> days, long maxPerDay, List<ShareSlice> shares, long total) {}
}
