package io.facesearch.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A small HTTP client for the tests: real requests over loopback. */
final class Http {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  private Http() {}

  static HttpResponse<String> post(URI url, String apiKey, Multipart form) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(url)
            .header("Content-Type", form.contentType())
            .POST(form.publisher());
    if (apiKey != null) {
      b.header("x-api-key", apiKey);
    }
    return send(b.build());
  }

  static HttpResponse<String> postJson(URI url, String json) {
    return send(
        HttpRequest.newBuilder(url)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  static HttpResponse<String> postJsonWithKey(URI url, String apiKey, String json) {
    return send(
        HttpRequest.newBuilder(url)
            .header("Content-Type", "application/json")
            .header("x-api-key", apiKey)
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  static HttpResponse<String> send(String method, URI url, String apiKey, String json) {
    HttpRequest.BodyPublisher body =
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json);
    return send(
        HttpRequest.newBuilder(url)
            .header("Content-Type", "application/json")
            .header("x-api-key", apiKey)
            .method(method, body)
            .build());
  }

  static HttpResponse<String> getBearer(URI url, String token) {
    return send(HttpRequest.newBuilder(url).header("Authorization", "Bearer " + token).build());
  }

  static HttpResponse<String> get(URI url, String apiKey) {
    HttpRequest.Builder b = HttpRequest.newBuilder(url);
    if (apiKey != null) {
      b.header("x-api-key", apiKey);
    }
    return send(b.build());
  }

  static HttpResponse<byte[]> getBytes(URI url) {
    try {
      return CLIENT.send(
          HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(HttpResponse<String> r) {
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + r.body(), e);
    }
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
