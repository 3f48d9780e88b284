package io.facesearch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facesearch.client.MultipartBody;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code facesearch search PHOTO}: one face search against a running server, as Didit's utility script
 * ({@code search_faces.py}) does against Didit: prints the decision, the warnings and the matches.
 */
@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    description =
        "Search a photo's face on a running server (POST /v3/face-search/) and print the decision and "
            + "matches.")
final class SearchCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      paramLabel = "PHOTO",
      description = "JPEG, PNG, WebP or TIFF, at most 5 MB")
  Path photo;

  @Option(
      names = "--url",
      defaultValue = "http://localhost:8080",
      description = "the server (default: ${DEFAULT-VALUE})")
  String url;

  @Option(names = "--api-key", description = "the application's API key (or FACESEARCH_API_KEY)")
  String apiKey;

  @Option(
      names = "--rotate",
      description = "also try the photo turned by 90, 180 and 270 degrees (rotate_image)")
  boolean rotate;

  @Option(names = "--vendor-data", description = "your reference for the user (vendor_data)")
  String vendorData;

  @Option(
      names = "--search-type",
      defaultValue = "most_similar",
      description = "most_similar or blocklisted_or_approved (default: ${DEFAULT-VALUE})")
  String searchType;

  @Option(names = "--no-save", description = "save_api_request=false: store nothing")
  boolean noSave;

  @Option(names = "--json", description = "print the server's JSON answer as it is")
  boolean raw;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    String key = apiKey != null ? apiKey : System.getenv("FACESEARCH_API_KEY");
    if (key == null || key.isBlank()) {
      throw new UserError("an API key is needed: --api-key KEY (or FACESEARCH_API_KEY)");
    }
    if (!Files.isRegularFile(photo)) {
      throw new UserError("no such photo: " + photo);
    }
    MultipartBody form =
        new MultipartBody()
            .file(
                "user_image",
                photo.getFileName().toString(),
                contentType(photo),
                Files.readAllBytes(photo))
            .field("search_type", searchType)
            .field("rotate_image", Boolean.toString(rotate))
            .field("save_api_request", Boolean.toString(!noSave));
    if (vendorData != null) {
      form.field("vendor_data", vendorData);
    }
    URI target;
    try {
      target = URI.create(url.replaceAll("/+$", "") + "/v3/face-search/");
    } catch (IllegalArgumentException e) {
      throw new UserError("not a URL: " + url);
    }
    HttpResponse<String> r;
    try {
      r =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(10))
              .build()
              .send(
                  HttpRequest.newBuilder(target)
                      .timeout(Duration.ofSeconds(60))
                      .header("x-api-key", key.strip())
                      .header("Content-Type", MultipartBody.CONTENT_TYPE)
                      .POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes()))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
    } catch (IOException | IllegalArgumentException e) {
      throw new UserError("cannot reach " + target + ": " + e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    if (r.statusCode() != 200) {
      throw new UserError("HTTP " + r.statusCode() + " from " + target + ": " + r.body().strip());
    }
    if (raw) {
      out.println(r.body());
      return 0;
    }
    print(new ObjectMapper().readTree(r.body()), out);
    return 0;
  }

  private static void print(JsonNode answer, PrintWriter out) {
    JsonNode fs = answer.get("face_search");
    out.printf(
        "status: %s   total_matches: %d   request_id: %s%n",
        fs.get("status").asText(),
        fs.get("total_matches").asInt(),
        answer.get("request_id").asText());
    JsonNode entities = fs.at("/user_image/entities");
    out.printf(
        "faces: %d   best_angle: %d%n", entities.size(), fs.at("/user_image/best_angle").asInt());
    for (JsonNode w : fs.get("warnings")) {
      out.printf(
          "warning: %s (%s) %s%n",
          w.get("risk").asText(), w.get("log_type").asText(), w.get("short_description").asText());
    }
    if (fs.get("matches").isEmpty()) {
      out.println("no matches");
    } else {
      out.printf(
          "%-3s %-10s %-10s %-11s %-11s %-36s %s%n",
          "#", "similarity", "status", "blocklisted", "source", "session_id", "vendor_data");
      int i = 1;
      for (JsonNode m : fs.get("matches")) {
        out.printf(
            "%-3d %-10.1f %-10s %-11s %-11s %-36s %s%n",
            i++,
            m.get("similarity_percentage").asDouble(),
            m.get("status").asText(),
            m.get("is_blocklisted").asBoolean() ? "yes" : "no",
            m.get("source").asText(),
            m.get("session_id").asText(),
            m.get("vendor_data").isNull() ? "-" : m.get("vendor_data").asText());
      }
    }
    out.printf(
        "status=%s total_matches=%d matches=%d%n",
        fs.get("status").asText().replace(' ', '_'),
        fs.get("total_matches").asInt(),
        fs.get("matches").size());
  }

  private static String contentType(Path photo) {
    String name = photo.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".png")) {
      return "image/png";
    }
    if (name.endsWith(".webp")) {
      return "image/webp";
    }
    if (name.endsWith(".tif") || name.endsWith(".tiff")) {
      return "image/tiff";
    }
    return "image/jpeg";
  }
}
