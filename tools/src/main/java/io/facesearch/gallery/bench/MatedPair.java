package io.facesearch.gallery.bench;

import java.util.Objects;

/** Two L2-normalised embeddings of the same person: {@code mate} is enrolled, {@code probe} is searched. */
public record MatedPair(float[] probe, float[] mate) {

  public MatedPair {
    Objects.requireNonNull(probe, "probe");
    Objects.requireNonNull(mate, "mate");
  }
}
