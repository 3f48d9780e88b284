package io.facesearch.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facesearch.accounts.Registration;
import io.facesearch.accounts.RegistrationException;
import io.facesearch.ratelimit.RateLimiter;
import io.javalin.http.Context;
import java.util.Map;

/**
 * Didit's programmatic registration: {@code POST /auth/v2/programmatic/register/} and
 * {@code POST /auth/v2/programmatic/verify-email/}, JSON bodies. Registration is limited per client IP.
 */
final class AccountsHandler {

  record OrganizationJson(String uuid, String name) {}

  record ApplicationJson(String uuid, String name, String client_id, String api_key) {}

  record VerifiedJson(
      String access_token,
      String refresh_token,
      long expires_in,
      OrganizationJson organization,
      ApplicationJson application) {}

  /** Didit's login and refresh answer. */
  record TokensJson(
      String message,
      String access_token,
      String refresh_token,
      long expires_in,
      OrganizationJson organization) {}

  private final Registration registration;
  private final RateLimiter perIp;

  /** Sign-ins and code resends per client IP: 20 a minute, against password guessing and mail floods. */
  private final RateLimiter signIns;

  private final ObjectMapper json;

  AccountsHandler(
      Registration registration, RateLimiter perIp, RateLimiter signIns, ObjectMapper json) {
    this.registration = registration;
    this.perIp = perIp;
    this.json = json;
    this.signIns = signIns;
  }

  void register(Context ctx) {
    RateLimiter.Decision d = perIp.acquire("ip:" + ctx.ip());
    RateLimitHeaders.set(ctx, d);
    if (!d.allowed()) {
      throw ApiException.tooManyRequests(
          "Too many registrations from this address. Try again later.");
    }
    JsonNode body = JsonBody.object(ctx, json);
    try {
      registration.register(text(body, "email"), text(body, "password"));
    } catch (RegistrationException e) {
      throw ApiException.invalidFields(e.fieldErrors());
    }
    // Didit's answer, the same whether or not the address was new (the mail says which).
    String email = text(body, "email");
    ctx.status(201)
        .json(
            Map.of(
                "message",
                "Registration successful. Check your email for the verification code.",
                "email",
                email.strip().toLowerCase(java.util.Locale.ROOT)));
  }

  /** {@code POST /auth/v2/programmatic/login/ {email, password}}: new tokens for a verified account. */
  void login(Context ctx) {
    limit(ctx);
    JsonNode body = JsonBody.object(ctx, json);
    try {
      Registration.Tokens t = registration.login(text(body, "email"), text(body, "password"));
      ctx.json(tokens("Login successful.", t));
    } catch (RegistrationException e) {
      throw ApiException.unauthorized(e.fieldErrors().get("detail").getFirst());
    }
  }

  /** {@code POST /auth/v2/programmatic/resend-otp/ {email}}: a new code, at most one a minute; one answer for all. */
  void resend(Context ctx) {
    limit(ctx);
    JsonNode body = JsonBody.object(ctx, json);
    String email = text(body, "email");
    if (email == null || email.isBlank()) {
      throw ApiException.invalidField("email", "This field is required.");
    }
    registration.resendCode(email);
    ctx.json(
        Map.of(
            "message",
            "If the address awaits verification, a new code has been sent to it.",
            "email",
            email.strip().toLowerCase(java.util.Locale.ROOT)));
  }

  /** {@code POST /auth/v2/programmatic/refresh/ {refresh_token}}: new tokens; the refresh token is used up. */
  void refresh(Context ctx) {
    limit(ctx);
    JsonNode body = JsonBody.object(ctx, json);
    String token =
        text(body, "refresh_token") != null ? text(body, "refresh_token") : text(body, "refresh");
    if (token == null || token.isBlank()) {
      throw ApiException.invalidField("refresh_token", "This field is required.");
    }
    ctx.json(
        tokens(
            "Token refreshed.",
            registration
                .refresh(token)
                .orElseThrow(
                    () -> ApiException.unauthorized("Invalid or expired refresh token."))));
  }

  private static TokensJson tokens(String message, Registration.Tokens t) {
    return new TokensJson(
        message,
        t.accessToken(),
        t.refreshToken(),
        t.expiresIn(),
        new OrganizationJson(t.organizationId(), t.organizationName()));
  }

  private void limit(Context ctx) {
    RateLimiter.Decision d = signIns.acquire("ip:" + ctx.ip());
    RateLimitHeaders.set(ctx, d);
    if (!d.allowed()) {
      throw ApiException.tooManyRequests(
          "Request was throttled. Expected available in " + d.retryAfterSeconds() + " seconds.");
    }
  }

  void verify(Context ctx) {
    JsonNode body = JsonBody.object(ctx, json);
    try {
      Registration.Verified v = registration.verify(text(body, "email"), text(body, "code"));
      ctx.json(
          new VerifiedJson(
              v.accessToken(),
              v.refreshToken(),
              v.expiresIn(),
              new OrganizationJson(v.organizationId(), v.organizationName()),
              new ApplicationJson(
                  v.application().id(),
                  v.application().name(),
                  v.application().clientId(),
                  v.apiKey())));
    } catch (RegistrationException e) {
      throw ApiException.invalidFields(e.fieldErrors());
    }
  }

  private static String text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
