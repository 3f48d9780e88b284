package io.facesearch.images;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, expiring image URLs: {@code /v3/images/<session id>.jpg?expires=<epoch s>&sig=<signature>}, where the
 * signature is the base64url HMAC-SHA256, under the server's secret, of "application id | session id | expires".
 * Checking needs no database; an expired, altered or foreign URL fails.
 */
public final class SignedUrls {

  public static final Duration VALIDITY = Duration.ofMinutes(60);
  private final byte[] secret;
  private final Clock clock;

  public SignedUrls(byte[] secret, Clock clock) {
    this.secret = secret.clone();
    this.clock = clock;
  }

  /** The path and query of a URL for the session's image, valid for {@link #VALIDITY}. */
  public String sign(String applicationId, String sessionId) {
    long expires = clock.instant().plus(VALIDITY).getEpochSecond();
    return "/v3/images/"
        + sessionId
        + ".jpg?app="
        + applicationId
        + "&expires="
        + expires
        + "&sig="
        + signature(applicationId, sessionId, expires);
  }

  /** True when the signature is right and not expired. */
  public boolean verify(String applicationId, String sessionId, long expires, String sig) {
    if (sig == null || expires < clock.instant().getEpochSecond()) {
      return false;
    }
    return MessageDigest.isEqual(
        signature(applicationId, sessionId, expires).getBytes(StandardCharsets.US_ASCII),
        sig.getBytes(StandardCharsets.US_ASCII));
  }

  private String signature(String applicationId, String sessionId, long expires) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      byte[] h =
          mac.doFinal(
              (applicationId + "|" + sessionId + "|" + expires).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(h);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }
}
