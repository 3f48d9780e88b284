package io.facesearch.attributes;

/**
 * Estimated age in years and apparent gender of one face. {@code maleScore} is the gender model's raw
 * output, 0..1 (1 = male); {@link #gender()} cuts it at 0.5.
 */
public record AgeGender(float age, float maleScore) {

  public Gender gender() {
    return maleScore >= 0.5f ? Gender.MALE : Gender.FEMALE;
  }

  /** Age rounded to one decimal, as the API shows it. */
  public String ageText() {
    return String.format(java.util.Locale.ROOT, "%.1f", age);
  }
}
