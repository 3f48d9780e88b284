package io.facesearch.enrollment;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * The stored faces were embedded by another model than the running pipeline's: their vectors cannot be compared with
 * new ones, so the server refuses to start until {@code ./facesearch reindex} has re-embedded them.
 */
public final class ModelMismatchException extends RuntimeException {

  private ModelMismatchException(String message) {
    super(message, null, false, false);
  }

  /** Fails when a stored face's model id (with the number of faces per id in {@code storedByModel}) is not {@code pipelineModelId}. */
  public static void check(Map<String, Long> storedByModel, String pipelineModelId) {
    Map<String, Long> others =
        storedByModel.entrySet().stream()
            .filter(e -> !e.getKey().equals(pipelineModelId))
            .collect(
                Collectors.toMap(
                    Map.Entry::getKey, Map.Entry::getValue, Long::sum, java.util.TreeMap::new));
    if (others.isEmpty()) {
      return;
    }
    String stored =
        others.entrySet().stream()
            .map(e -> e.getKey() + " (" + e.getValue() + " faces)")
            .collect(Collectors.joining(", "));
    throw new ModelMismatchException(
        "the stored faces were embedded by model "
            + stored
            + ", but this pipeline "
            + "embeds with model "
            + pipelineModelId
            + "; vectors of different models are never compared, so the server "
            + "does not start. Run ./facesearch reindex with the same --data and pipeline options (--channel-order, "
            + "--flip) to re-embed the stored faces from their images, or start with the options they were enrolled with.");
  }
}
