package io.facesearch.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The three signatures Didit puts on a webhook, each the lowercase hex HMAC-SHA256 keyed with the destination's
 * secret (Didit's integration/webhooks page):
 * <ul>
 *   <li>{@code X-Signature}: of the raw body bytes;</li>
 *   <li>{@code X-Signature-V2}: of the body re-encoded canonically, as Didit's Python sample does with
 *       {@code json.dumps(shorten_floats(body), sort_keys=True, ensure_ascii=True, separators=(",", ":"))}: keys
 *       sorted, no spaces, every non-ASCII character escaped as {@code \\uXXXX}, whole floats written as integers, so
 *       a receiver whose framework re-parsed the JSON still verifies;</li>
 *   <li>{@code X-Signature-Simple}: of {@code "{timestamp}:{session_id}:{status}:{webhook_type}"} from the body.</li>
 * </ul>
 * The body itself is plain UTF-8 JSON (non-ASCII characters unescaped, floats as they are), as Didit's.
 */
public final class WebhookSignature {

  private WebhookSignature() {}

  /** HMAC-SHA256 of {@code message}, lowercase hex. */
  public static String hmac(String secret, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The {@code X-Signature-Simple} message of a body. */
  public static String simpleMessage(JsonNode body) {
    return text(body.get("timestamp"))
        + ":"
        + text(body.get("session_id"))
        + ":"
        + text(body.get("status"))
        + ":"
        + text(body.get("webhook_type"));
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull()
        ? "None"
        : n.isTextual() ? n.asText() : n.toString(); // Python's str()
  }

  /** {@code node} in the canonical form above. */
  public static String canonical(JsonNode node) {
    StringBuilder out = new StringBuilder();
    write(node, out);
    return out.toString();
  }

  private static void write(JsonNode n, StringBuilder out) {
    if (n == null || n.isNull()) {
      out.append("null");
    } else if (n.isObject()) {
      List<String> keys = new ArrayList<>();
      n.fieldNames().forEachRemaining(keys::add);
      keys.sort(null);
      out.append('{');
      for (int i = 0; i < keys.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        string(keys.get(i), out);
        out.append(':');
        write(n.get(keys.get(i)), out);
      }
      out.append('}');
    } else if (n.isArray()) {
      out.append('[');
      for (int i = 0; i < n.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        write(n.get(i), out);
      }
      out.append(']');
    } else if (n.isTextual()) {
      string(n.asText(), out);
    } else if (n.isBoolean()) {
      out.append(n.asBoolean());
    } else if (n.isIntegralNumber()) {
      out.append(n.bigIntegerValue());
    } else if (n.isNumber()) {
      double d = n.doubleValue();
      if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        out.append((long) d); // shorten_floats: 70.0 -> 70
      } else {
        out.append(new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString());
      }
    } else {
      throw new IllegalArgumentException("not JSON: " + n.getNodeType());
    }
  }

  private static void string(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
