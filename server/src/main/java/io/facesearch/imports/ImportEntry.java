package io.facesearch.imports;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One photo to enroll. {@code key} identifies it across runs (its path relative to the folder, or the CSV's
 * path column); the other fields become the session's.
 */
public record ImportEntry(
    String key,
    Path photo,
    String vendorData,
    String status,
    String name,
    String documentType,
    String documentNumber,
    Instant verificationDate) {

  @Override
  public String toString() {
    return "ImportEntry[" + key + "]"; // never the document number
  }
}
