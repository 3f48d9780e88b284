package io.facesearch.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.facesearch.accounts.AppSettings;
import io.facesearch.store.Dialect;
import io.facesearch.testing.TestClock;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The console's cross-site and cross-tenant defences, over plain HTTP.
 *
 * <p>Every test runs once with the truth in SQLite and once in PostgreSQL ({@code dialect}).
 */
@ParameterizedClass
@EnumSource(Dialect.class)
class ConsoleSecurityTest {

  @Parameter Dialect dialect;

  @RegisterExtension
  static final GreenMailExtension SMTP =
      new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
          .withPerMethodLifecycle(false); // a free port: other test JVMs may hold 3025

  static ConsoleTestServer server;

  @BeforeParameterizedClassInvocation
  static void start(Dialect dialect) throws Exception {
    SMTP.purgeEmailFromAllMailboxes(); // the mail server lives for both variants: no code of the
    // other
    server = new ConsoleTestServer(SMTP.getSmtp().getPort(), dialect);
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    server.close();
  }

  @Test
  void the_console_address_leads_to_the_sessions_page() {
    Api api = new Api(server);
    for (String path : java.util.List.of("/console", "/console/")) {
      HttpResponse<String> r = api.consoleGet(path);
      assertEquals(303, r.statusCode(), path);
      assertEquals(
          "/console/sessions",
          r.headers().firstValue("Location").orElseThrow(),
          path + " (it looped)");
    }
    HttpResponse<String> unknown = api.consoleGet("/console/no-such-page");
    assertEquals(404, unknown.statusCode());
    assertTrue(
        unknown.body().startsWith("<!doctype html>")
            && unknown.body().contains("Back to the console"),
        "an HTML page, not the API's JSON: " + unknown.body());
  }

  @Test
  void a_saved_companion_call_is_a_session_the_console_lists_and_shows() throws Exception {
    Api api = new Api(server);
    String key = api.newAccount(SMTP, "liv@example.com");
    JsonNode answer =
        api.passiveLiveness(key, "silent_face_antispoofing/image_F1.jpg"); // a print attack
    String id = answer.get("request_id").asText();
    assertEquals(303, api.consoleSignIn("liv@example.com", Api.PASSWORD).statusCode());
    assertTrue(
        api.consoleGet("/console/sessions").body().contains(id.substring(0, 8))
            || api.consoleGet("/console/sessions").body().contains("liveness-probe"),
        "listed");
    HttpResponse<String> page = api.consoleGet("/console/sessions/" + id);
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("LOW_LIVENESS_SCORE"), "the liveness warnings are shown");
  }

  @Test
  void settings_refuse_malformed_numbers_and_show_them_as_typed() throws Exception {
    Api api = new Api(server);
    String key = api.newAccount(SMTP, "uma@example.com");
    assertEquals(303, api.consoleSignIn("uma@example.com", Api.PASSWORD).statusCode());
    String csrf = Api.csrfOf(api.consoleGet("/console/settings").body());
    java.util.function.Function<Map<String, String>, HttpResponse<String>> save =
        changes -> {
          Map<String, String> form =
              new java.util.HashMap<>(
                  Map.of(
                      "_csrf",
                      csrf,
                      "similarity_threshold",
                      "75",
                      "retention_days",
                      "0",
                      "face_match_decline_threshold",
                      "30",
                      "liveness_decline_threshold",
                      "30",
                      "age_decline_threshold",
                      "18"));
          form.putAll(changes);
          return api.consolePost("/console/settings", form);
        };
    for (Map<String, String> bad :
        java.util.List.of(
            Map.of("similarity_threshold", "101"),
            Map.of("similarity_threshold", "70.5d"),
            Map.of("retention_days", "1.9"),
            Map.of("webhook_url", "https://example.com/" + "a".repeat(2100)))) {
      HttpResponse<String> r = save.apply(bad);
      assertEquals(400, r.statusCode(), bad.toString());
      String typed = bad.values().iterator().next();
      assertTrue(r.body().contains("value=\"" + typed + "\""), "shown as typed: " + bad);
    }
    HttpResponse<String> zeroTarget = save.apply(Map.of("target_review_percent", "0"));
    assertEquals(400, zeroTarget.statusCode(), "a target of 0 % would need an infinite threshold");
    double before =
        server.services.accounts().authenticate(key).orElseThrow().settings().similarityThreshold();
    assertTrue(
        Double.isNaN(before),
        "nothing refused was stored: the threshold still follows the gallery");
    String page = api.consoleGet("/console/settings").body();
    assertTrue(
        page.contains("follows the gallery")
            && page.contains("70.0")
            && page.contains("0 candidate faces"),
        "the effective threshold is shown for the current gallery");
    assertEquals(
        303,
        save.apply(Map.of("similarity_threshold", "72.5", "target_review_percent", "2"))
            .statusCode());
    AppSettings saved = server.services.accounts().authenticate(key).orElseThrow().settings();
    assertEquals(72.5, saved.similarityThreshold());
    assertEquals(0.02, saved.targetReviewRate(), 1e-9);
    assertTrue(api.consoleGet("/console/settings").body().contains("set by you"));
    assertEquals(303, save.apply(Map.of("similarity_threshold", "")).statusCode());
    assertFalse(
        server.services.accounts().authenticate(key).orElseThrow().settings().operatorThreshold(),
        "an empty threshold: it follows the gallery again");
  }

  @Test
  void posts_without_the_csrf_token_are_refused_and_another_organizations_session_is_404()
      throws Exception {
    Api api = new Api(server);
    String key = api.newAccount(SMTP, "ivy@example.com");
    String own = api.enroll(key, Api.OBAMA, "mine");
    String foreign = api.enroll(server.operatorKey, Api.OBAMA_OTHER_PHOTO, "theirs");

    assertEquals(
        403,
        api.consolePost(
                "/console/sign-in", Map.of("email", "ivy@example.com", "password", Api.PASSWORD))
            .statusCode(),
        "sign-in without token");
    HttpResponse<String> signedIn = api.consoleSignIn("ivy@example.com", Api.PASSWORD);
    assertEquals(303, signedIn.statusCode(), signedIn.body());
    String cookie =
        signedIn.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("fs_console="))
            .findFirst()
            .orElseThrow();
    assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), cookie);
    assertFalse(cookie.contains("Secure"), "plain HTTP: no Secure flag");

    HttpResponse<String> page = api.consoleGet("/console/sessions/" + own);
    assertEquals(200, page.statusCode());
    String csrf = Api.csrfOf(page.body());
    assertEquals(
        403,
        api.consolePost("/console/sessions/" + own + "/blocklist", Map.of("action", "add"))
            .statusCode(),
        "no token");
    assertEquals(
        403,
        api.consolePost(
                "/console/sessions/" + own + "/blocklist",
                Map.of("action", "add", "_csrf", csrf + "x"))
            .statusCode(),
        "wrong token");
    assertEquals(403, api.consolePost("/console/keys", Map.of()).statusCode());
    assertEquals(
        303,
        api.consolePost(
                "/console/sessions/" + own + "/blocklist", Map.of("action", "add", "_csrf", csrf))
            .statusCode(),
        "with the token");

    assertEquals(404, api.consoleGet("/console/sessions/" + foreign).statusCode());
    assertEquals(
        404,
        api.consolePost(
                "/console/sessions/" + foreign + "/blocklist",
                Map.of("action", "add", "_csrf", csrf))
            .statusCode());
    assertEquals(
        404,
        api.consolePost(
                "/console/sessions/" + foreign + "/delete", Map.of("confirm", "yes", "_csrf", csrf))
            .statusCode());
    assertFalse(api.consoleGet("/console/sessions").body().contains(foreign));
    assertEquals(
        200, api.balanceStatus(server.operatorKey), "the foreign session's org is untouched");

    assertEquals(303, api.consolePost("/console/sign-out", Map.of("_csrf", csrf)).statusCode());
    assertEquals(303, api.consoleGet("/console/sessions").statusCode(), "signed out");
  }

  @Test
  void only_the_operator_approves_top_ups() throws Exception {
    Api operator = new Api(server);
    String operatorOrg =
        server.services.accounts().defaultApplication().orElseThrow().organizationId();
    // what `facesearch operator create` does: a user of the operator's own organization
    server.services.registration().createUser("op@example.com", Api.PASSWORD, operatorOrg);
    Api customer = new Api(server);
    String key = customer.newAccount(SMTP, "cust@example.com");
    String org = server.services.accounts().authenticate(key).orElseThrow().organizationId();
    String topUp = customer.topUp(key);

    assertEquals(303, customer.consoleSignIn("cust@example.com", Api.PASSWORD).statusCode());
    String csrf = Api.csrfOf(customer.consoleGet("/console/credits").body());
    assertEquals(
        403,
        customer
            .consolePost("/console/top-ups/" + topUp + "/approve", Map.of("_csrf", csrf))
            .statusCode(),
        "a customer cannot approve its own top-up");
    long before = server.services.credits().balance(org);

    assertEquals(303, operator.consoleSignIn("op@example.com", Api.PASSWORD).statusCode());
    String page = operator.consoleGet("/console/credits").body();
    assertTrue(
        page.contains("/console/top-ups/" + topUp + "/approve"),
        "the operator sees the pending top-up");
    assertEquals(
        303,
        operator
            .consolePost(
                "/console/top-ups/" + topUp + "/approve", Map.of("_csrf", Api.csrfOf(page)))
            .statusCode());
    assertEquals(before + 500, server.services.credits().balance(org));
    assertEquals(
        404,
        operator
            .consolePost(
                "/console/top-ups/" + topUp + "/approve", Map.of("_csrf", Api.csrfOf(page)))
            .statusCode(),
        "credited once");
  }

  @Test
  void five_failed_sign_ins_lock_the_account_for_fifteen_minutes() throws Exception {
    TestClock clock = new TestClock(Instant.parse("2026-03-02T09:00:00Z"));
    try (ConsoleTestServer timed =
        new ConsoleTestServer(SMTP.getSmtp().getPort(), clock, dialect)) {
      Api api = new Api(timed);
      api.newAccount(SMTP, "lock@example.com");
      for (int i = 0; i < 5; i++) {
        assertEquals(
            i < 4 ? 401 : 429,
            api.consoleSignIn("lock@example.com", "wrong-password-1").statusCode());
      }
      Instant locked = clock.instant();
      assertEquals(
          429,
          api.consoleSignIn("lock@example.com", Api.PASSWORD).statusCode(),
          "even the right password");
      assertEquals(401, api.consoleSignIn("nobody@example.com", Api.PASSWORD).statusCode());

      clock.set(locked.plus(Duration.ofMinutes(14)).plusSeconds(59));
      assertEquals(
          429,
          api.consoleSignIn("lock@example.com", Api.PASSWORD).statusCode(),
          "still locked at 14:59");
      clock.set(locked.plus(Duration.ofMinutes(15)).plusSeconds(1));
      assertEquals(
          303,
          api.consoleSignIn("lock@example.com", Api.PASSWORD).statusCode(),
          "open again at 15:01");
    }
  }

  /** A clock the test sets; the whole server (console, API, services) runs on it. */
}
