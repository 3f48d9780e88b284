package io.facesearch.architecture.cycleb;

import io.facesearch.architecture.cyclea.CallsB;

/** The other half of the fixture's package cycle. */
public final class CallsA {

  public static int viaA() {
    return CallsB.class.getSimpleName().length();
  }
}
