package io.facesearch.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;

/** One pipeline per test JVM: the models load once, as in the service. */
public final class SharedPipeline {

  private static FacePipeline pipeline;

  private SharedPipeline() {}

  public static synchronized FacePipeline get() {
    if (pipeline == null) {
      try {
        pipeline = FacePipeline.loadDefault();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return pipeline;
  }
}
