package io.facesearch.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import io.facesearch.pipeline.TestData;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Plain HTTP for the console tests: the public API (with a key) and the console (with a cookie jar). */
final class Api {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String OBAMA = "face_recognition_examples/examples/obama.jpg";
  static final String OBAMA_OTHER_PHOTO = "face_recognition_examples/examples/obama2.jpg";
  static final String BIDEN = "face_recognition_examples/examples/biden.jpg";
  static final String PASSWORD = "Correct-horse-42";

  private final ConsoleTestServer server;

  /** A browser-like client: keeps cookies, does not follow redirects. */
  final HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();

  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  Api(ConsoleTestServer server) {
    this.server = server;
  }

  /** Registers and verifies an account through the API (code read from GreenMail); returns its API key. */
  String newAccount(GreenMailExtension smtp, String email) throws Exception {
    HttpResponse<String> r =
        postJson(
            "/auth/v2/programmatic/register/",
            "{\"email\": \"" + email + "\", \"password\": \"" + PASSWORD + "\"}");
    assertEquals(201, r.statusCode(), r.body());
    MimeMessage[] all = smtp.getReceivedMessagesForDomain(email);
    for (int i = 0; i < 100 && all.length == 0; i++) { // the mail server lives for the whole class
      Thread.sleep(50);
      all = smtp.getReceivedMessagesForDomain(email);
    }
    assertTrue(all.length > 0, "no mail to " + email);
    Matcher m =
        Pattern.compile("code is (\\d{6})").matcher(GreenMailUtil.getBody(all[all.length - 1]));
    assertTrue(m.find(), "no code in the mail");
    HttpResponse<String> v =
        postJson(
            "/auth/v2/programmatic/verify-email/",
            "{\"email\": \"" + email + "\", \"code\": \"" + m.group(1) + "\"}");
    assertEquals(200, v.statusCode(), v.body());
    return json(v).at("/application/api_key").asText();
  }

  /** Enrolls a photo as an existing user; returns the session id. */
  String enroll(String key, String photo, String vendorData) {
    HttpResponse<String> r =
        multipart("/v3/sessions/", key, Map.of("vendor_data", vendorData), photo);
    assertEquals(201, r.statusCode(), r.body());
    return json(r).get("session_id").asText();
  }

  /** A face search (saved as an API session); returns face_search. */
  JsonNode search(String key, String photo) {
    HttpResponse<String> r =
        multipart("/v3/face-search/", key, Map.of("vendor_data", "probe"), photo);
    assertEquals(200, r.statusCode(), r.body());
    return json(r).get("face_search");
  }

  /** A saved passive liveness call; returns its answer. */
  JsonNode passiveLiveness(String key, String photo) {
    HttpResponse<String> r =
        multipart("/v3/passive-liveness/", key, Map.of("vendor_data", "liveness-probe"), photo);
    assertEquals(200, r.statusCode(), r.body());
    return json(r);
  }

  /** Starts a $50 top-up; returns its id. */
  String topUp(String key) {
    HttpResponse<String> r =
        send(
            CLIENT,
            HttpRequest.newBuilder(server.url("/v3/billing/top-up/"))
                .header("x-api-key", key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount_in_dollars\": 50}"))
                .build());
    assertEquals(200, r.statusCode(), r.body());
    return json(r).get("checkout_session_id").asText();
  }

  int balanceStatus(String key) {
    return send(
            CLIENT,
            HttpRequest.newBuilder(server.url("/v3/billing/balance/"))
                .header("x-api-key", key)
                .build())
        .statusCode();
  }

  // ---- console over plain HTTP ----------------------------------------------------------------

  HttpResponse<String> consoleGet(String path) {
    return send(browser, HttpRequest.newBuilder(server.url(path)).build());
  }

  HttpResponse<String> consolePost(String path, Map<String, String> form) {
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return send(
        browser,
        HttpRequest.newBuilder(server.url(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  /** Signs the cookie jar in; returns the sign-in POST's response. */
  HttpResponse<String> consoleSignIn(String email, String password) {
    String csrf = csrfOf(consoleGet("/console/sign-in").body());
    return consolePost(
        "/console/sign-in", Map.of("_csrf", csrf, "email", email, "password", password));
  }

  static String csrfOf(String html) {
    Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(html);
    assertTrue(m.find(), "no CSRF field in the page");
    return m.group(1);
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private HttpResponse<String> postJson(String path, String json) {
    return send(
        CLIENT,
        HttpRequest.newBuilder(server.url(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  private HttpResponse<String> multipart(
      String path, String key, Map<String, String> fields, String photo) {
    String boundary = "----console" + UUID.randomUUID().toString().replace("-", "");
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Map.Entry<String, String> f : new LinkedHashMap<>(fields).entrySet()) {
      body.writeBytes(
          ("--"
                  + boundary
                  + "\r\nContent-Disposition: form-data; name=\""
                  + f.getKey()
                  + "\"\r\n\r\n"
                  + f.getValue()
                  + "\r\n")
              .getBytes(StandardCharsets.UTF_8));
    }
    body.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"user_image\"; filename=\"p.jpg\""
                + "\r\nContent-Type: image/jpeg\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(TestData.bytes(photo));
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return send(
        CLIENT,
        HttpRequest.newBuilder(server.url(path))
            .header("x-api-key", key)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
            .build());
  }

  static JsonNode json(HttpResponse<String> r) {
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + r.body(), e);
    }
  }

  private static HttpResponse<String> send(HttpClient client, HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
