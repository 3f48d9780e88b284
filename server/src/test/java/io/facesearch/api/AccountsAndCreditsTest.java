package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.facesearch.billing.Credits;
import io.facesearch.billing.Prices;
import io.facesearch.console.ConsoleAuth;
import io.facesearch.mail.Outbox;
import io.facesearch.mail.SmtpSettings;
import io.facesearch.pipeline.TestData;
import io.facesearch.store.Dialect;
import io.facesearch.store.RawSql;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Accounts, credits and limits over HTTP: Didit's programmatic registration with the code read from a real
 * in-process SMTP server (GreenMail), exactly-once charging, 403 when empty, 429, and tenant separation.
 *
 * <p>Every test runs once with the truth in SQLite and once in PostgreSQL ({@code dialect}).
 */
@ParameterizedClass
@EnumSource(Dialect.class)
class AccountsAndCreditsTest {

  @Parameter Dialect dialect;

  @RegisterExtension
  static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP);

  static final String PASSWORD = "Correct-horse-42";
  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(Prices prices, FaceSearchApp.Limits limits) {
    server =
        TestServer.with(
            prices,
            new SmtpSettings(
                "127.0.0.1",
                ServerSetupTest.SMTP.getPort(),
                null,
                null,
                "facesearch@test.local",
                false),
            limits,
            dialect);
  }

  @Test
  void register_verify_search_and_pay_one_credit_without_logging_any_secret() throws Exception {
    PrintStream realErr = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    System.setErr(new PrintStream(log, true));
    JsonNode account;
    String code;
    try {
      start(new Prices(1, 10, 3), FaceSearchApp.Limits.DEFAULTS);
      assertEquals(201, register("ada@example.com", PASSWORD).statusCode());
      code = codeFromMail("ada@example.com");
      HttpResponse<String> verified = verify("ada@example.com", code);
      assertEquals(200, verified.statusCode(), verified.body());
      account = Http.json(verified);
      String apiKey = account.at("/application/api_key").asText();
      assertTrue(apiKey.startsWith("fsk_"));
      assertEquals(86400, account.get("expires_in").asLong(), "Didit's token lifetime");
      assertNotNull(account.at("/organization/uuid").asText(null));
      assertNotNull(account.at("/application/client_id").asText(null));

      assertEquals(3, balance(apiKey));
      assertEquals(
          3,
          Http.json(
                  Http.getBearer(
                      server.url("/v3/billing/balance/"), account.get("access_token").asText()))
              .get("balance_credits")
              .asLong(),
          "the access token acts for the organization");
      HttpResponse<String> search = search(apiKey, FaceSearchApiTest.OBAMA);
      assertEquals(200, search.statusCode(), search.body());
      assertEquals(2, balance(apiKey), "a face search costs 1 credit");
      HttpResponse<String> analyze =
          Http.post(
              server.url("/v1/analyze"),
              apiKey,
              new Multipart()
                  .file("image", "s.jpg", "image/jpeg", TestData.bytes(FaceSearchApiTest.OBAMA)));
      assertEquals(
          403, analyze.statusCode(), "the unbilled diagnostic is not for metered organizations");
      assertEquals(2, balance(apiKey));
      assertEquals(
          400, verify("ada@example.com", code).statusCode(), "a used code cannot be replayed");
    } finally {
      System.setErr(realErr);
    }
    String captured = log.toString();
    assertFalse(captured.contains(PASSWORD), "password in the log");
    assertFalse(
        captured.contains(account.at("/application/api_key").asText()), "API key in the log");
    assertFalse(captured.contains(account.get("access_token").asText()), "access token in the log");
    assertFalse(
        captured.contains(account.get("refresh_token").asText()), "refresh token in the log");
    assertFalse(
        captured.contains("code is " + code), "verification code in the log (SMTP is configured)");
  }

  @Test
  void an_empty_balance_gets_403_before_anything_is_processed_or_stored() throws Exception {
    start(new Prices(1, 10, 0), FaceSearchApp.Limits.DEFAULTS);
    String apiKey = newAccount("bob@example.com").at("/application/api_key").asText();
    HttpResponse<String> r = search(apiKey, FaceSearchApiTest.OBAMA);
    assertEquals(403, r.statusCode(), r.body());
    assertTrue(Http.json(r).get("detail").asText().contains("Insufficient credits"));
    long sessions =
        Long.parseLong(
            RawSql.column(
                    server.services.db(),
                    "SELECT (SELECT COUNT(*) FROM sessions) "
                        + "+ (SELECT COUNT(*) FROM credit_holds) + (SELECT COUNT(*) FROM credit_ledger)")
                .getFirst());
    assertEquals(0, sessions, "no session, no hold, no ledger entry");
    // a bad request is never charged either
    server.services.credits().add(organizationOf(apiKey), 1, "grant", "test");
    HttpResponse<String> bad =
        Http.post(
            server.url("/v3/face-search/"),
            apiKey,
            new Multipart().file("user_image", "x.pdf", "application/pdf", "%PDF-1.4".getBytes()));
    assertEquals(400, bad.statusCode());
    assertEquals(1, balance(apiKey));
  }

  @Test
  void twenty_concurrent_searches_against_ten_credits_charge_exactly_ten() throws Exception {
    start(new Prices(1, 10, 0), FaceSearchApp.Limits.DEFAULTS);
    String apiKey = newAccount("carol@example.com").at("/application/api_key").asText();
    String org = organizationOf(apiKey);
    server.services.credits().add(org, 10, "grant", "test");
    ExecutorService pool = Executors.newFixedThreadPool(20);
    List<Future<Integer>> codes = new ArrayList<>();
    byte[] photo = TestData.bytes(FaceSearchApiTest.OBAMA);
    for (int i = 0; i < 20; i++) {
      codes.add(
          pool.submit(
              () ->
                  Http.post(
                          server.url("/v3/face-search/"),
                          apiKey,
                          new Multipart().file("user_image", "s.jpg", "image/jpeg", photo))
                      .statusCode()));
    }
    int ok = 0;
    int refused = 0;
    for (Future<Integer> f : codes) {
      int code = f.get();
      ok += code == 200 ? 1 : 0;
      refused += code == 403 ? 1 : 0;
    }
    pool.shutdown();
    assertEquals(10, ok);
    assertEquals(10, refused);
    assertEquals(0, balance(apiKey));
    List<Credits.Entry> charges =
        server.services.credits().ledger(org).stream()
            .filter(e -> e.kind().equals("charge"))
            .toList();
    assertEquals(10, charges.size());
    assertTrue(charges.stream().allMatch(e -> e.amount() == -1));
  }

  @Test
  void codes_expire_die_after_five_wrong_tries_and_registration_does_not_reveal_accounts()
      throws Exception {
    start(new Prices(1, 10, 0), FaceSearchApp.Limits.DEFAULTS);
    assertEquals(201, register("dan@example.com", PASSWORD).statusCode());
    String code = codeFromMail("dan@example.com");
    String wrong = code.equals("000000") ? "111111" : "000000";
    for (int i = 0; i < 5; i++) {
      assertEquals(400, verify("dan@example.com", wrong).statusCode());
    }
    assertEquals(
        400, verify("dan@example.com", code).statusCode(), "the code died after 5 wrong tries");

    newAccount("erin@example.com");
    HttpResponse<String> again = register("erin@example.com", PASSWORD);
    HttpResponse<String> fresh = register("frank@example.com", PASSWORD);
    assertEquals(fresh.statusCode(), again.statusCode());
    assertEquals(
        Http.json(fresh).get("message"),
        Http.json(again).get("message"),
        "same answer for an existing address");
    assertEquals(
        "erin@example.com", Http.json(again).get("email").asText(), "Didit echoes the address");

    HttpResponse<String> invalid = register("not-an-email", "short");
    assertEquals(400, invalid.statusCode());
    assertTrue(
        Http.json(invalid).has("email") && Http.json(invalid).has("password"), invalid.body());
  }

  @Test
  void didits_auth_api_register_login_resend_and_refresh() throws Exception {
    start(new Prices(1, 10, 0), FaceSearchApp.Limits.DEFAULTS);
    HttpResponse<String> weak = register("lee@example.com", "lowercase-only-1");
    assertEquals(400, weak.statusCode(), "Didit's rule: an uppercase letter too");
    HttpResponse<String> shortOk =
        register("lee@example.com", "Ab1!efgh"); // 8 characters: Didit accepts it
    assertEquals(201, shortOk.statusCode(), shortOk.body());
    JsonNode registered = Http.json(shortOk);
    assertEquals("lee@example.com", registered.get("email").asText());
    assertTrue(registered.get("message").asText().startsWith("Registration successful"));

    HttpResponse<String> early =
        Http.postJson(
            server.url("/auth/v2/programmatic/login/"),
            "{\"email\": \"lee@example.com\", \"password\": \"Ab1!efgh\"}");
    assertEquals(401, early.statusCode(), "not verified yet: " + early.body());
    assertTrue(Http.json(early).get("detail").isTextual());

    HttpResponse<String> resent =
        Http.postJson(
            server.url("/auth/v2/programmatic/resend-otp/"), "{\"email\": \"lee@example.com\"}");
    assertEquals(200, resent.statusCode(), resent.body());
    assertTrue(Http.json(resent).get("message").isTextual());
    assertEquals(
        1, mailsTo("lee@example.com", 1).length, "a resend within 60 seconds sends nothing");
    String code = codeFromMail("lee@example.com");
    assertEquals(200, verify("lee@example.com", code).statusCode());

    HttpResponse<String> login =
        Http.postJson(
            server.url("/auth/v2/programmatic/login/"),
            "{\"email\": \"LEE@example.com\", \"password\": \"Ab1!efgh\"}");
    assertEquals(200, login.statusCode(), login.body());
    JsonNode tokens = Http.json(login);
    assertTrue(tokens.get("message").isTextual());
    assertTrue(tokens.get("access_token").isTextual() && tokens.get("refresh_token").isTextual());
    assertEquals(86400, tokens.get("expires_in").asLong());
    assertTrue(tokens.at("/organization/uuid").isTextual());
    assertEquals(
        200,
        Http.getBearer(server.url("/v3/billing/balance/"), tokens.get("access_token").asText())
            .statusCode(),
        "the new access token works");
    assertEquals(
        401,
        Http.postJson(
                server.url("/auth/v2/programmatic/login/"),
                "{\"email\": \"lee@example.com\", \"password\": \"Wrong-pass-1\"}")
            .statusCode());
    assertEquals(
        401,
        Http.postJson(
                server.url("/auth/v2/programmatic/login/"),
                "{\"email\": \"nobody@example.com\", \"password\": \"Wrong-pass-1\"}")
            .statusCode());

    HttpResponse<String> refreshed =
        Http.postJson(
            server.url("/auth/v2/programmatic/refresh/"),
            "{\"refresh_token\": \"" + tokens.get("refresh_token").asText() + "\"}");
    assertEquals(200, refreshed.statusCode(), refreshed.body());
    String access = Http.json(refreshed).get("access_token").asText();
    assertEquals(200, Http.getBearer(server.url("/v3/billing/balance/"), access).statusCode());
    assertEquals(
        401,
        Http.postJson(
                server.url("/auth/v2/programmatic/refresh/"),
                "{\"refresh_token\": \"" + tokens.get("refresh_token").asText() + "\"}")
            .statusCode(),
        "a refresh token is used once");
  }

  @Test
  void a_second_registration_cannot_set_the_password_of_one_waiting_for_its_code()
      throws Exception {
    start(new Prices(1, 10, 0), FaceSearchApp.Limits.DEFAULTS);
    assertEquals(201, register("ivy@example.com", PASSWORD).statusCode());
    String code = codeFromMail("ivy@example.com");
    HttpResponse<String> other = register("ivy@example.com", "Someone-elses-77");
    assertEquals(201, other.statusCode(), "answers as any registration does");
    assertTrue(
        GreenMailUtil.getBody(mailsTo("ivy@example.com", 2)[1]).contains("Nothing was changed"));
    assertEquals(200, verify("ivy@example.com", code).statusCode(), "the owner's code still works");
    ConsoleAuth auth = new ConsoleAuth(server.services.db(), Clock.systemUTC());
    assertNull(
        auth.signIn("ivy@example.com", "Someone-elses-77").token(),
        "the second password was not taken");
    assertNotNull(auth.signIn("ivy@example.com", PASSWORD).token());
  }

  @Test
  void the_same_password_may_ask_again_for_a_code_and_a_password_over_72_bytes_gets_400()
      throws Exception {
    start(new Prices(1, 10, 0), FaceSearchApp.Limits.DEFAULTS);
    assertEquals(201, register("jon@example.com", PASSWORD).statusCode());
    String first = codeFromMail("jon@example.com");
    assertEquals(201, register("jon@example.com", PASSWORD).statusCode());
    String second = codeFromMail("jon@example.com", 2);
    if (!first.equals(second)) {
      assertEquals(
          400, verify("jon@example.com", first).statusCode(), "a newer code replaces the first");
    }
    assertEquals(200, verify("jon@example.com", second).statusCode());

    String longPassword =
        "A1-" + "é".repeat(40); // 42 characters, 82 bytes in UTF-8: over bcrypt's 72
    HttpResponse<String> refused = register("kim@example.com", longPassword);
    assertEquals(400, refused.statusCode(), refused.body());
    assertTrue(Http.json(refused).has("password"));
    ConsoleAuth auth = new ConsoleAuth(server.services.db(), Clock.systemUTC());
    assertNull(
        auth.signIn("jon@example.com", longPassword).token(),
        "a sign-in with it fails without a 500");
  }

  @Test
  void without_smtp_the_code_waits_in_the_outbox_and_never_in_the_log() {
    PrintStream realErr = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    System.setErr(new PrintStream(log, true));
    try {
      server = new TestServer(dialect); // no SMTP configured
      assertEquals(201, register("lea@example.com", PASSWORD).statusCode());
    } finally {
      System.setErr(realErr);
    }
    List<Outbox.Letter> letters = server.services.outbox().letters();
    assertEquals(1, letters.size());
    Matcher m = Pattern.compile("code is (\\d{6})").matcher(letters.getFirst().body());
    assertTrue(m.find(), letters.getFirst().body());
    assertTrue(log.toString().contains("kept in the outbox"), log.toString());
    assertFalse(log.toString().contains(m.group(1)), "the code in the log");
  }

  @Test
  void an_expired_code_is_refused() throws Exception {
    FaceSearchApiTest.MutableClock clock = new FaceSearchApiTest.MutableClock();
    server =
        TestServer.with(
            clock,
            Prices.DEFAULTS,
            new SmtpSettings(
                "127.0.0.1", ServerSetupTest.SMTP.getPort(), null, null, "fs@test.local", false),
            FaceSearchApp.Limits.DEFAULTS,
            dialect);
    assertEquals(201, register("gina@example.com", PASSWORD).statusCode());
    String code = codeFromMail("gina@example.com");
    clock.advance(java.time.Duration.ofMinutes(16));
    assertEquals(400, verify("gina@example.com", code).statusCode());
  }

  @Test
  void a_revoked_key_fails_at_once() {
    start(Prices.DEFAULTS, FaceSearchApp.Limits.DEFAULTS);
    String key =
        server
            .services
            .accounts()
            .createKey(server.services.accounts().defaultApplication().orElseThrow().id())
            .key();
    assertEquals(200, Http.get(server.url("/v3/billing/balance/"), key).statusCode());
    assertTrue(server.services.accounts().revokeKey(key.substring(0, 12)));
    assertEquals(401, Http.get(server.url("/v3/billing/balance/"), key).statusCode());
  }

  @Test
  void over_the_limit_a_key_gets_429_with_rate_limit_headers() {
    start(Prices.DEFAULTS, new FaceSearchApp.Limits(3, 4, 5));
    String key = server.apiKey;
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> r = Http.get(server.url("/v3/billing/balance/"), key);
      assertEquals(200, r.statusCode());
      assertEquals("4", r.headers().firstValue("X-RateLimit-Limit").orElseThrow());
      assertEquals(
          Integer.toString(3 - i), r.headers().firstValue("X-RateLimit-Remaining").orElseThrow());
      assertTrue(r.headers().firstValue("X-RateLimit-Reset").isPresent());
    }
    HttpResponse<String> refused = Http.get(server.url("/v3/billing/balance/"), key);
    assertEquals(429, refused.statusCode());
    assertEquals("0", refused.headers().firstValue("X-RateLimit-Remaining").orElseThrow());
    long retry = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retry >= 1 && retry <= 60, "Retry-After " + retry);
    assertTrue(Http.json(refused).has("detail"));
    // writes have their own window
    HttpResponse<String> write = Http.post(server.url("/v3/billing/top-up/"), key, new Multipart());
    assertEquals("3", write.headers().firstValue("X-RateLimit-Limit").orElseThrow());
  }

  @Test
  void top_ups_wait_for_the_operator_and_credit_once() throws Exception {
    start(Prices.DEFAULTS, FaceSearchApp.Limits.DEFAULTS);
    String apiKey = newAccount("hana@example.com").at("/application/api_key").asText();
    HttpResponse<String> small =
        postJson(apiKey, "/v3/billing/top-up/", "{\"amount_in_dollars\": 20}");
    assertEquals(400, small.statusCode());
    assertTrue(Http.json(small).has("amount_in_dollars"));
    HttpResponse<String> absurd =
        postJson(apiKey, "/v3/billing/top-up/", "{\"amount_in_dollars\": 9223372036854775807}");
    assertEquals(
        400,
        absurd.statusCode(),
        "an amount whose credits would overflow is refused: " + absurd.body());
    assertTrue(Http.json(absurd).has("amount_in_dollars"));
    assertEquals(
        200,
        postJson(apiKey, "/v3/billing/top-up/", "{\"amount_in_dollars\": 60.0}").statusCode(),
        "a whole number written with a decimal point");
    assertEquals(
        400, postJson(apiKey, "/v3/billing/top-up/", "{\"amount_in_dollars\": 60.5}").statusCode());
    HttpResponse<String> r =
        postJson(
            apiKey,
            "/v3/billing/top-up/",
            "{\"amount_in_dollars\": 50, \"success_url\": \"https://x/ok\", \"cancel_url\": \"https://x/no\"}");
    assertEquals(200, r.statusCode(), r.body());
    String id = Http.json(r).get("checkout_session_id").asText();
    URI checkout = URI.create(Http.json(r).get("checkout_session_url").asText());
    assertTrue(checkout.getPath().contains(id));
    JsonNode pending = Http.json(Http.get(checkout, apiKey));
    assertEquals("pending", pending.get("status").asText(), pending.toString());
    assertEquals(500, pending.get("credits").asLong());
    assertTrue(pending.get("next_step").asText().contains("operator"));
    assertEquals(0, balance(apiKey), "pending until the operator confirms");
    assertTrue(server.services.topUps().confirm(id));
    assertFalse(server.services.topUps().confirm(id), "confirmed once");
    assertEquals(500, balance(apiKey), "$50 at 10 cents a credit");
    assertEquals("confirmed", Http.json(Http.get(checkout, apiKey)).get("status").asText());
    assertEquals(
        404, Http.get(checkout, server.apiKey).statusCode(), "another organization's top-up");
  }

  @Test
  void one_organizations_key_cannot_read_search_or_charge_anothers_data() throws Exception {
    start(new Prices(1, 10, 5), FaceSearchApp.Limits.DEFAULTS);
    String keyA = newAccount("ivy@example.com").at("/application/api_key").asText();
    String keyB = newAccount("jon@example.com").at("/application/api_key").asText();
    HttpResponse<String> enrolled =
        Http.post(
            server.url("/v3/sessions/"),
            keyA,
            new Multipart()
                .file(
                    "user_image", "o.jpg", "image/jpeg", TestData.bytes(FaceSearchApiTest.OBAMA)));
    String sessionA = Http.json(enrolled).get("session_id").asText();
    assertEquals(
        404, Http.get(server.url("/v3/session/" + sessionA + "/decision/"), keyB).statusCode());
    HttpResponse<String> searchB = search(keyB, FaceSearchApiTest.OBAMA_OTHER_PHOTO);
    assertEquals(0, Http.json(searchB).at("/face_search/total_matches").asInt());
    assertEquals(5, balance(keyA), "B's search charged B, not A");
    assertEquals(4, balance(keyB));
  }

  // ---- helpers -------------------------------------------------------------------------------

  private JsonNode newAccount(String email) throws Exception {
    assertEquals(201, register(email, PASSWORD).statusCode());
    HttpResponse<String> r = verify(email, codeFromMail(email));
    assertEquals(200, r.statusCode(), r.body());
    return Http.json(r);
  }

  private HttpResponse<String> register(String email, String password) {
    return Http.postJson(
        server.url("/auth/v2/programmatic/register/"),
        "{\"email\": \"" + email + "\", \"password\": \"" + password + "\"}");
  }

  private HttpResponse<String> verify(String email, String code) {
    return Http.postJson(
        server.url("/auth/v2/programmatic/verify-email/"),
        "{\"email\": \"" + email + "\", \"code\": \"" + code + "\"}");
  }

  private HttpResponse<String> search(String key, String photo) {
    return Http.post(
        server.url("/v3/face-search/"),
        key,
        new Multipart().file("user_image", "s.jpg", "image/jpeg", TestData.bytes(photo)));
  }

  private HttpResponse<String> postJson(String key, String path, String json) {
    return Http.postJsonWithKey(server.url(path), key, json);
  }

  private long balance(String key) {
    HttpResponse<String> r = Http.get(server.url("/v3/billing/balance/"), key);
    assertEquals(200, r.statusCode(), r.body());
    JsonNode b = Http.json(r);
    assertFalse(b.get("auto_refill_enabled").asBoolean());
    assertTrue(
        b.get("auto_refill_amount").isNull() && b.get("auto_refill_threshold").isNull(),
        b.toString());
    long credits = b.get("balance_credits").asLong();
    assertTrue(b.get("balance").isTextual(), "Didit's balance is a decimal string: " + b);
    assertEquals(
        new java.math.BigDecimal(b.get("credit_price").asText())
            .multiply(java.math.BigDecimal.valueOf(credits))
            .setScale(4),
        new java.math.BigDecimal(b.get("balance").asText()),
        "dollars beside credits: " + b);
    assertTrue(b.get("balance").asText().matches("-?[0-9]+\\.[0-9]{4}"), b.toString());
    return credits;
  }

  private String organizationOf(String key) {
    return server.services.accounts().authenticate(key).orElseThrow().organizationId();
  }

  /** The 6-digit code of the latest mail to {@code email}, read from the SMTP server. */
  private static String codeFromMail(String email) throws Exception {
    return codeFromMail(email, 1);
  }

  /** The code in the {@code n}th mail to {@code email} (waiting for it). */
  private static String codeFromMail(String email, int n) throws Exception {
    Matcher m =
        Pattern.compile("code is (\\d{6})")
            .matcher(GreenMailUtil.getBody(mailsTo(email, n)[n - 1]));
    assertTrue(m.find(), "no code in the mail");
    return m.group(1);
  }

  /** The mails to {@code email}, oldest first, once there are at least {@code n}. */
  private static MimeMessage[] mailsTo(String email, int n) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    MimeMessage[] all = SMTP.getReceivedMessagesForDomain(email);
    while (all.length < n && System.nanoTime() < deadline) {
      Thread.sleep(20);
      all = SMTP.getReceivedMessagesForDomain(email);
    }
    assertTrue(all.length >= n, all.length + " mails to " + email + ", expected " + n);
    return all;
  }
}
