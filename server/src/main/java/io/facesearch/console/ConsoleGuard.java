package io.facesearch.console;

import io.facesearch.accounts.AccountStore;
import io.facesearch.accounts.Application;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may see what: the session cookie, the CSRF check on every POST, the organization's applications and the
 * one the console shows, plus the rendering helpers every page shares.
 */
final class ConsoleGuard {

  /** The signed-in user, the application shown, and the organization's other applications. */
  record Viewer(
      ConsoleAuth.SignedIn session, Application app, List<Application> apps, boolean operator) {}

  @FunctionalInterface
  interface PageHandler {
    void handle(Context ctx, Viewer viewer) throws Exception;
  }

  static final String COOKIE = "fs_console";
  static final String PRE_COOKIE = "fs_console_pre";
  static final String CSRF_FIELD = "_csrf";
  private static final String HTML = "text/html; charset=utf-8";
  private static final Map<String, String> FLASH =
      Map.ofEntries(
          Map.entry("status", "Status updated."),
          Map.entry("blocklisted", "Face added to the blocklist."),
          Map.entry("unblocklisted", "Face removed from the blocklist."),
          Map.entry("deleted", "Session deleted."),
          Map.entry("list", "List created."),
          Map.entry("face", "Face added to the list."),
          Map.entry("entry", "Entry removed."),
          Map.entry("saved", "Settings saved; they apply to the next API call."),
          Map.entry("revoked", "Key revoked."),
          Map.entry("approved", "Top-up approved and credited."),
          Map.entry("noface", "No face found in that image."),
          Map.entry(
              "nofacetoblock",
              "This session stored no face (its photo had none): there is nothing to blocklist."),
          Map.entry(
              "manyfaces",
              "That image holds more than one face: upload a photo of the one person to list."),
          Map.entry("badimage", "That file is not a usable image."),
          Map.entry("badlist", "A list needs a name and a type (blocklist or allowlist)."));

  /** The {@link #FLASH} messages that report a refusal (shown in the error style). */
  private static final Set<String> REFUSALS =
      Set.of("noface", "nofacetoblock", "manyfaces", "badimage", "badlist");

  private final ConsoleAuth auth;
  private final ConsoleData data;
  private final AccountStore accounts;
  private final Templates templates;

  ConsoleGuard(ConsoleAuth auth, ConsoleData data, AccountStore accounts, Templates templates) {
    this.auth = auth;
    this.data = data;
    this.accounts = accounts;
    this.templates = templates;
  }

  // ---- sign-in / sign-out ---------------------------------------------------------------------

  void signInForm(Context ctx) {
    renderSignIn(ctx, 200, "", null);
  }

  void signIn(Context ctx) {
    String pre = ctx.cookie(PRE_COOKIE);
    if (pre == null || !ConsoleAuth.sameToken(pre, ctx.formParam(CSRF_FIELD))) {
      forbidden(ctx);
      return;
    }
    String email = ctx.formParam("email");
    ConsoleAuth.Attempt attempt = auth.signIn(email, ctx.formParam("password"));
    if (!attempt.ok()) {
      renderSignIn(
          ctx,
          attempt.lockedOut() ? 429 : 401,
          email == null ? "" : email,
          attempt.lockedOut()
              ? "Too many failed sign-ins: this account is locked for 15 minutes."
              : "Wrong e-mail or password, or the account is not verified.");
      return;
    }
    setCookie(ctx, COOKIE, attempt.token(), (int) ConsoleAuth.LIFETIME.toSeconds());
    setCookie(ctx, PRE_COOKIE, "", 0);
    redirect(ctx, "/console/sessions");
  }

  void signOut(Context ctx, Viewer v) {
    auth.signOut(v.session());
    setCookie(ctx, COOKIE, "", 0);
    redirect(ctx, "/console/sign-in");
  }

  void selectApplication(Context ctx, Viewer v) {
    String id = ctx.formParam("application");
    if (v.apps().stream().anyMatch(a -> a.id().equals(id))) {
      auth.selectApplication(v.session(), id);
    }
    redirect(ctx, "/console/sessions");
  }

  private void renderSignIn(Context ctx, int status, String email, String error) {
    String pre = ConsoleAuth.random(24);
    setCookie(ctx, PRE_COOKIE, pre, 3600);
    secure(ctx);
    ctx.status(status)
        .contentType(HTML)
        .result(templates.render("signin.jte", new Views.SignInPage(pre, email, error)));
  }

  // ---- wrappers ---------------------------------------------------------------------------------

  /** A GET page: signed in, else to the sign-in form. */
  Handler page(PageHandler h) {
    return ctx -> {
      secure(ctx);
      Optional<Viewer> v = viewer(ctx);
      if (v.isEmpty()) {
        redirect(ctx, "/console/sign-in");
        return;
      }
      h.handle(ctx, v.get());
    };
  }

  /** A state-changing POST: signed in and carrying the session's CSRF token, else 403. */
  Handler post(PageHandler h) {
    return ctx -> {
      secure(ctx);
      Optional<Viewer> v = viewer(ctx);
      String submitted =
          Optional.ofNullable(ctx.header("X-CSRF-Token"))
              .orElseGet(() -> ctx.formParam(CSRF_FIELD));
      if (v.isEmpty() || !ConsoleAuth.sameToken(v.get().session().csrfToken(), submitted)) {
        forbidden(ctx);
        return;
      }
      h.handle(ctx, v.get());
    };
  }

  private Optional<Viewer> viewer(Context ctx) {
    return auth.session(ctx.cookie(COOKIE))
        .flatMap(
            s -> {
              List<Application> apps = data.applications(s.organizationId());
              if (apps.isEmpty()) {
                return Optional.empty();
              }
              Application app =
                  apps.stream()
                      .filter(a -> a.id().equals(s.applicationId()))
                      .findFirst()
                      .orElse(apps.get(0));
              boolean operator =
                  accounts
                      .defaultApplication()
                      .map(d -> d.organizationId().equals(s.organizationId()))
                      .orElse(false);
              return Optional.of(new Viewer(s, app, apps, operator));
            });
  }

  // ---- rendering --------------------------------------------------------------------------------

  Views.Frame frame(Context ctx, Viewer v, String title, String nav) {
    List<Views.AppOption> apps =
        v.apps().stream()
            .map(a -> new Views.AppOption(a.id(), a.name(), a.id().equals(v.app().id())))
            .toList();
    String done = Optional.ofNullable(ctx.queryParam("done")).orElse("");
    return new Views.Frame(
        title,
        nav,
        v.session().csrfToken(),
        v.session().email(),
        apps,
        v.operator(),
        FLASH.get(done),
        REFUSALS.contains(done));
  }

  void render(Context ctx, String template, Record model) {
    ctx.contentType(HTML).result(templates.render(template, model));
  }

  void notFound(Context ctx, Viewer v) {
    ctx.status(404);
    render(ctx, "error.jte", new Views.ErrorPage(frame(ctx, v, "Not found", ""), "Not found."));
  }

  static void redirect(Context ctx, String location) {
    ctx.status(303).header("Location", location);
  }

  private void forbidden(Context ctx) {
    ctx.status(403)
        .contentType("text/plain; charset=utf-8")
        .result("Forbidden: missing or wrong CSRF token.");
  }

  /** Headers every console answer carries: no framing, no third-party anything, no caching of private pages. */
  private static void secure(Context ctx) {
    ctx.header(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            + "script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "same-origin");
    ctx.header("Cache-Control", "no-store");
  }

  private static void setCookie(Context ctx, String name, String value, int maxAge) {
    boolean https =
        "https".equalsIgnoreCase(ctx.scheme())
            || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
    ctx.res()
        .addHeader(
            "Set-Cookie",
            name
                + "="
                + value
                + "; Path=/console; Max-Age="
                + maxAge
                + "; HttpOnly; SameSite=Lax"
                + (https ? "; Secure" : ""));
  }
}
