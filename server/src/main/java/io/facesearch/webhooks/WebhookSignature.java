package io.facesearch.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a webhook delivery: {@code X-Timestamp} is the send time in Unix seconds and
 * {@code X-Signature} is the lowercase hex HMAC-SHA256, keyed with the application's webhook secret, of
 * {@code <X-Timestamp> + "." + <raw body bytes>}. Receivers recompute it over the raw body, compare in
 * constant time, and reject timestamps older than a few minutes (docs/webhooks.md has an example).
 */
public final class WebhookSignature {

  private WebhookSignature() {}

  public static String sign(String secret, long timestamp, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
