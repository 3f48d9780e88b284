package io.facesearch.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facesearch.accounts.Registration;
import io.facesearch.accounts.RegistrationException;
import io.facesearch.ratelimit.SlidingWindowLimiter;
import io.javalin.http.Context;
import java.util.Map;

/**
 * Didit's programmatic registration: {@code POST /auth/v2/programmatic/register/} and
 * {@code POST /auth/v2/programmatic/verify-email/}, JSON bodies. Registration is limited per client IP.
 */
final class AccountsHandler {

  record OrganizationJson(String uuid, String name) {}

  record ApplicationJson(String uuid, String name, String client_id, String api_key) {}

  record VerifiedJson(String access_token, String refresh_token, long expires_in, OrganizationJson organization,
                      ApplicationJson application) {}

  private final Registration registration;
  private final SlidingWindowLimiter perIp;
  private final ObjectMapper json;

  AccountsHandler(Registration registration, SlidingWindowLimiter perIp, ObjectMapper json) {
    this.registration = registration;
    this.perIp = perIp;
    this.json = json;
  }

  void register(Context ctx) {
    SlidingWindowLimiter.Decision d = perIp.acquire("ip:" + ctx.ip());
    RateLimitHeaders.set(ctx, d);
    if (!d.allowed()) {
      throw ApiException.tooManyRequests("Too many registrations from this address. Try again later.");
    }
    JsonNode body = JsonBody.object(ctx, json);
    try {
      registration.register(text(body, "email"), text(body, "password"));
    } catch (RegistrationException e) {
      throw ApiException.invalidFields(e.fieldErrors());
    }
    ctx.status(201).json(Map.of("message", "If the address can be registered, a verification code has been sent to it."));
  }

  void verify(Context ctx) {
    JsonNode body = JsonBody.object(ctx, json);
    try {
      Registration.Verified v = registration.verify(text(body, "email"), text(body, "code"));
      ctx.json(new VerifiedJson(v.accessToken(), v.refreshToken(), v.expiresIn(),
          new OrganizationJson(v.organizationId(), v.organizationName()),
          new ApplicationJson(v.application().id(), v.application().name(), v.application().clientId(), v.apiKey())));
    } catch (RegistrationException e) {
      throw ApiException.invalidFields(e.fieldErrors());
    }
  }


  private static String text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
