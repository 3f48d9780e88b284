package io.facesearch.console;

import io.facesearch.services.Services;
import io.javalin.config.RoutesConfig;
import java.time.Clock;

/**
 * The Business Console's route table ({@code /console/}). Every page but sign-in needs a console session; every
 * POST but sign-in must carry the session's CSRF token (see {@link ConsoleGuard}).
 */
public final class ConsoleRoutes {

  private final ConsoleGuard guard;
  private final ConsolePages pages;

  private ConsoleRoutes(ConsoleGuard guard, ConsolePages pages) {
    this.guard = guard;
    this.pages = pages;
  }

  /** The console on the node's services and clock: built once, by the composition root. */
  public static ConsoleRoutes build(Services s, Clock clock) {
    ConsoleAuth auth = new ConsoleAuth(s.db(), clock);
    ConsoleData data = new ConsoleData(s.db(), s.accounts(), clock);
    ConsoleGuard guard = new ConsoleGuard(auth, data, s.accounts(), new Templates());
    return new ConsoleRoutes(guard, new ConsolePages(s, guard, data, clock));
  }

  public void register(RoutesConfig routes) {

    // Javalin ignores trailing slashes: this one route is /console and /console/ (the address
    // README gives)
    routes.get("/console", ctx -> ctx.status(303).header("Location", "/console/sessions"));
    routes.get("/console/static/{file}", ConsoleStatic::serve);
    routes.get("/console/sign-in", guard::signInForm);
    routes.post("/console/sign-in", guard::signIn);
    routes.post("/console/sign-out", guard.post(guard::signOut));
    routes.post("/console/application", guard.post(guard::selectApplication));

    routes.get("/console/sessions", guard.page(pages::sessions));
    routes.get("/console/sessions/{id}", guard.page(pages::session));
    routes.post("/console/sessions/{id}/status", guard.post(pages::updateStatus));
    routes.post("/console/sessions/{id}/blocklist", guard.post(pages::blocklist));
    routes.post("/console/sessions/{id}/delete", guard.post(pages::delete));
    routes.get("/console/lists", guard.page(pages::lists));
    routes.post("/console/lists", guard.post(pages::createList));
    routes.post("/console/lists/{id}/faces", guard.post(pages::uploadFace));
    routes.post("/console/lists/{id}/entries/{entry}/delete", guard.post(pages::removeEntry));
    routes.get("/console/settings", guard.page(pages::settings));
    routes.post("/console/settings", guard.post(pages::saveSettings));
    routes.get("/console/keys", guard.page(pages::keys));
    routes.post("/console/keys", guard.post(pages::createKey));
    routes.post("/console/keys/{id}/revoke", guard.post(pages::revokeKey));
    routes.get("/console/credits", guard.page(pages::credits));
    routes.post("/console/top-ups/{id}/approve", guard.post(pages::approveTopUp));
    routes.get("/console/usage", guard.page(pages::usage));
  }
}
