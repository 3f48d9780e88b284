package io.facesearch.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * What a webhook reports about a session, as the session's owner builds it: Didit's {@code webhook_type},
 * {@code session_id}, {@code session_number}, {@code status} (wire name), {@code created_at}, {@code vendor_data}
 * and {@code metadata} when set, and the session's {@code decision} object. The webhooks package knows nothing
 * else about sessions.
 *
 * @param type {@code status.updated} or {@code data.updated}
 */
public record WebhookEvent(
    String type,
    String applicationId,
    String sessionId,
    long sessionNumber,
    String status,
    Instant createdAt,
    String vendorData,
    JsonNode metadata,
    JsonNode decision) {}
