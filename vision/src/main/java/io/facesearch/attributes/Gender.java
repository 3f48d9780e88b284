package io.facesearch.attributes;

/** Apparent gender as the model reports it; {@link #wireName()} is the API's spelling. */
public enum Gender {
  MALE,
  FEMALE;

  public String wireName() {
    return name().toLowerCase();
  }
}
