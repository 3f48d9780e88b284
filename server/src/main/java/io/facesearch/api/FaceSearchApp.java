package io.facesearch.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.facesearch.image.ImageDecoder;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP service: the route table, and the one place where errors become responses.
 *
 * <p>Every error body is JSON in Didit's shapes ({@link ApiException}); an unexpected exception is logged
 * (class and message only, never request content) and answered with a bare 500.
 */
public final class FaceSearchApp {

  private static final Logger LOG = LoggerFactory.getLogger(FaceSearchApp.class);

  private FaceSearchApp() {}

  /** The app on {@code s}, building absolute URLs from each request's Host. */
  public static Javalin create(Services s) {
    return create(s, null);
  }

  /** The app on {@code s}; {@code publicUrl} (may be null) is the origin used in absolute URLs. */
  public static Javalin create(Services s, String publicUrl) {
    ObjectMapper json = new ObjectMapper();
    UploadReader uploads = new UploadReader(new ImageDecoder(), ImageDecoder.DEFAULT_MAX_BYTES);
    Auth auth = new Auth(s.accounts());
    AnalyzeHandler analyze = new AnalyzeHandler(s.pipeline(), uploads);
    FaceSearchHandler faceSearch = new FaceSearchHandler(s.search(), uploads, s.urls(), json, new Origins(publicUrl));
    SessionHandler sessions = new SessionHandler(s.search(), uploads, s.db(), s.sessions(), json);
    ImageHandler images = new ImageHandler(s.images(), s.urls());

    return Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.jsonMapper(new JavalinJackson(json, false));
      config.http.maxRequestSize = 12L * 1024 * 1024;
      config.jetty.multipartConfig.maxFileSize(10, SizeUnit.MB);
      config.jetty.multipartConfig.maxTotalRequestSize(12, SizeUnit.MB);
      config.jetty.multipartConfig.maxInMemoryFileSize(12, SizeUnit.MB);

      // ---- Routes -------------------------------------------------------------------------------
      config.routes.get("/health", ctx -> ctx.json(Map.of("status", "ok", "embedding_model", s.pipeline().embeddingModelId())));
      config.routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(OpenApi.document()));
      config.routes.post("/v1/analyze", analyze::handle);

      config.routes.before("/v3/face-search/", auth::requireApiKey);
      config.routes.before("/v3/sessions/", auth::requireApiKey);
      config.routes.before("/v3/session/*", auth::requireApiKey);
      config.routes.post("/v3/face-search/", faceSearch::handle);
      config.routes.post("/v3/sessions/", sessions::enroll);
      config.routes.get("/v3/session/{session_id}/decision/", sessions::decision);
      config.routes.get("/v3/images/{file}", images::handle); // signed URL, no API key

      // ---- Errors -------------------------------------------------------------------------------
      config.routes.exception(ApiException.class, (e, ctx) -> ctx.status(e.status()).json(e.body()));
      config.routes.exception(HttpResponseException.class,
          (e, ctx) -> ctx.status(e.getStatus()).json(Map.of("detail", e.getMessage())));
      config.routes.exception(Exception.class, (e, ctx) -> {
        LOG.error("unhandled {} on {} {}: {}", e.getClass().getName(), ctx.method(), ctx.path(), e.getMessage());
        ctx.status(500).json(Map.of("detail", "Internal server error."));
      });
      config.routes.error(404, ctx -> {
        if (ctx.result() == null || ctx.result().isEmpty()) {
          ctx.json(Map.of("detail", "Not found."));
        }
      });
    });
  }
}
