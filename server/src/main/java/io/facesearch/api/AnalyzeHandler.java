package io.facesearch.api;

import io.facesearch.align.FivePoints;
import io.facesearch.billing.Credits;
import io.facesearch.detect.Detection;
import io.facesearch.image.BgrImage;
import io.facesearch.pipeline.Analysis;
import io.facesearch.pipeline.Face;
import io.facesearch.pipeline.FacePipeline;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/analyze}: the faces found in an uploaded photo (multipart field {@code image}, optional
 * {@code rotate_image}). Returns boxes, confidence, age, gender and the five alignment points; never the
 * embedding.
 *
 * <p>A diagnostic for the operator: it takes an API key like {@code /v3/*} but is not billed, so applications of
 * metered (self-registered) organizations get 403 and use {@code /v3/age-estimation/} instead.
 */
final class AnalyzeHandler {

  /** One face of the answer. {@code bbox} is [x1, y1, x2, y2] in pixels of the image turned by best_angle. */
  record FaceJson(int[] bbox, double confidence, String age, String gender, int[][] landmarks) {}

  record AnalyzeResponse(
      int width, int height, int best_angle, String embedding_model, List<FaceJson> faces) {}

  private final FacePipeline pipeline;
  private final UploadReader uploads;
  private final Credits credits;

  AnalyzeHandler(FacePipeline pipeline, UploadReader uploads, Credits credits) {
    this.pipeline = pipeline;
    this.uploads = uploads;
    this.credits = credits;
  }

  void handle(Context ctx) {
    if (credits.metered(Gate.application(ctx).organizationId())) {
      throw ApiException.forbidden(
          "POST /v1/analyze is for the operator's own applications; "
              + "use POST /v3/age-estimation/.");
    }
    BgrImage image = uploads.requiredImage(ctx, "image");
    boolean rotate = Forms.booleanField(ctx, "rotate_image", false);
    Analysis analysis = pipeline.analyze(image, rotate);
    List<FaceJson> faces = new ArrayList<>();
    for (Face face : analysis.faces()) {
      faces.add(toJson(face));
    }
    ctx.json(
        new AnalyzeResponse(
            analysis.width(),
            analysis.height(),
            analysis.bestAngle(),
            pipeline.embeddingModelId(),
            faces));
  }

  static FaceJson toJson(Face face) {
    Detection d = face.detection();
    FivePoints p = face.landmarks().fivePoints();
    int[][] points = new int[5][];
    for (int i = 0; i < 5; i++) {
      points[i] = new int[] {Math.round(p.x(i)), Math.round(p.y(i))};
    }
    return new FaceJson(
        Bbox.of(d),
        Math.round(d.confidence() * 10000) / 10000.0,
        face.ageGender().ageText(),
        face.ageGender().gender().wireName(),
        points);
  }
}
