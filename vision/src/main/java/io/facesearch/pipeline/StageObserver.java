package io.facesearch.pipeline;

/** Told how long each stage of the face pipeline took (for metrics); must be cheap and thread-safe. */
@FunctionalInterface
public interface StageObserver {

  /** The pipeline's stages as they are timed. */
  enum Stage {
    DETECT,
    ALIGN,
    EMBED,
    ATTRIBUTES,
    LIVENESS;

    public String label() {
      return name().toLowerCase();
    }
  }

  void took(Stage stage, long nanos);
}
