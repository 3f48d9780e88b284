package io.facesearch.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.facesearch.image.ImageDecoder;
import io.facesearch.pipeline.FacePipeline;
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

  public static Javalin create(FacePipeline pipeline) {
    ObjectMapper json = new ObjectMapper();
    UploadReader uploads = new UploadReader(new ImageDecoder(), ImageDecoder.DEFAULT_MAX_BYTES);
    AnalyzeHandler analyze = new AnalyzeHandler(pipeline, uploads);

    return Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.jsonMapper(new JavalinJackson(json, false));
      config.http.maxRequestSize = 12L * 1024 * 1024;
      config.jetty.multipartConfig.maxFileSize(10, SizeUnit.MB);
      config.jetty.multipartConfig.maxTotalRequestSize(12, SizeUnit.MB);

      // ---- Routes -------------------------------------------------------------------------------
      config.routes.get("/health", ctx -> ctx.json(Map.of("status", "ok", "embedding_model", pipeline.embeddingModelId())));
      config.routes.post("/v1/analyze", analyze::handle);

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
